// Checks of a whole scenario before anything is solved: lengths and finiteness of every series,
// unique prosumer ids, shiftable windows that fit the day and can deliver their energy, explicit
// DR baselines of the right length, and an HVAC whose comfort band can be held at all.
//
// The HVAC check is exact for the model's thermal dynamics: the set of indoor temperatures
// reachable in slot t is an interval (the dynamics are affine and monotone in tIn, the HVAC adds
// gamma*[0, PACmax]); intersecting it with the comfort band slot by slot finds the first slot in
// which no HVAC schedule keeps the room inside the band. That problem would otherwise surface as an
// infeasible QP in the middle of a coordination run.
import { DerchainInputError } from '../errors/inputError.js';
import { hvacDecay, initialIndoor } from './hvacDynamics.js';
import type { HvacParams } from './params.js';
import { PLAUSIBLE, type PlausibleRange, rangeRule } from './plausibility.js';
import type { ProsumerInput, Scenario } from './scenario.js';
import { shiftableWindows } from './shiftableWindows.js';
import { slotCalendar, slotsPerDay, startSlotOfDay } from './slotCalendar.js';

function checkSeries(
  name: string,
  values: ArrayLike<number>,
  T: number,
  ctx: { prosumer?: string; file?: string },
  nonNegative: boolean,
  range?: PlausibleRange,
): void {
  if (values.length !== T) throw new DerchainInputError(`${name} has ${values.length} values, the horizon has ${T} slots`, { ...ctx, field: name });
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (!Number.isFinite(v)) throw new DerchainInputError(`${name}[${t}] is not a finite number (${v})`, { ...ctx, field: name });
    if (nonNegative && v < 0) throw new DerchainInputError(`${name}[${t}] = ${v} is negative`, { ...ctx, field: name });
    if (range && (v < range.min || v > range.max))
      throw new DerchainInputError(`${name}[${t}] = ${v} is implausible; expected ${rangeRule(range)}`, { ...ctx, field: name });
  }
}

/** First slot in which the comfort band cannot be held, or -1. */
export function firstUnholdableSlot(h: HvacParams, tOut: ArrayLike<number>, dtHours: number, paperTiming: boolean): number {
  const a = hvacDecay(h, dtHours);
  const effLo = Math.min(0, h.gamma * h.PACmax);
  const effHi = Math.max(0, h.gamma * h.PACmax);
  let lo = initialIndoor(h);
  let hi = lo;
  for (let t = 0; t < tOut.length; t++) {
    const drift = (1 - a) * tOut[t];
    const controlled = !paperTiming || t > 0;
    const nextLo = drift + a * lo + (controlled ? effLo : 0);
    const nextHi = drift + a * hi + (controlled ? effHi : 0);
    lo = Math.max(nextLo, h.TACmin);
    hi = Math.min(nextHi, h.TACmax);
    if (lo > hi + 1e-9) return t;
  }
  return -1;
}

function checkProsumer(p: ProsumerInput, scenario: Scenario): void {
  const T = scenario.horizon;
  const ctx = { prosumer: p.id, file: scenario.source };
  checkSeries('load', p.series.load, T, ctx, false, PLAUSIBLE.powerKW);
  checkSeries('pv', p.series.pv, T, ctx, true, PLAUSIBLE.powerKW);
  checkSeries('tOut', p.series.tOut, T, ctx, false, PLAUSIBLE.temperatureC);
  const par = p.params;
  const dt = scenario.dtHours;
  if (par.hvac) {
    const t = firstUnholdableSlot(par.hvac, p.series.tOut, dt, scenario.options.hvacTiming === 'paper');
    if (t >= 0) {
      const mode = par.hvac.gamma < 0 ? 'cooling' : par.hvac.gamma > 0 ? 'heating' : 'no effect (gamma = 0)';
      throw new DerchainInputError(
        `the HVAC (${mode}, PACmax ${par.hvac.PACmax} kW) cannot keep the room within [${par.hvac.TACmin}, ${par.hvac.TACmax}] degC at slot ${t} (${scenario.timestamps[t] ?? ''}, outdoor ${p.series.tOut[t]} degC); widen the band, raise PACmax or check gamma's sign`,
        { ...ctx, field: 'hvac' },
      );
    }
  }
  const cal = par.shiftable || par.demandResponse?.baseline ? slotCalendar(T, dt, startSlotOfDay(scenario.timestamps, dt)) : null;
  if (par.shiftable && cal) {
    const sh = par.shiftable;
    if (sh.end > cal.perDay)
      throw new DerchainInputError(`window end ${sh.end} exceeds the ${cal.perDay} slots of a day`, { ...ctx, field: 'shiftable.end' });
    const win = shiftableWindows(sh, cal, dt);
    for (const group of win.groups) {
      let energy = 0;
      for (const t of group) energy += win.preferred[t];
      if (energy > sh.PSmax * group.length + 1e-9)
        throw new DerchainInputError(`the window from slot ${group[0]} must take ${energy.toFixed(3)} kW-slots but PSmax allows ${(sh.PSmax * group.length).toFixed(3)}`, {
          ...ctx,
          field: 'shiftable.PSmax',
        });
    }
  }
  const baseline = par.demandResponse?.baseline;
  if (baseline && cal && baseline.length !== T && baseline.length !== cal.perDay)
    throw new DerchainInputError(`baseline has ${baseline.length} values; expected ${T} or ${cal.perDay}`, { ...ctx, field: 'demandResponse.baseline' });
}

/** Throws DerchainInputError for the first problem found. */
export function checkScenario(scenario: Scenario): void {
  const T = scenario.horizon;
  const ctx = { file: scenario.source };
  if (!Number.isInteger(T) || T < 1) throw new DerchainInputError(`horizon must be a positive integer, got ${T}`, { ...ctx, field: 'horizon' });
  if (!(scenario.dtHours > 0)) throw new DerchainInputError(`slot length must be positive, got ${scenario.dtHours}`, { ...ctx, field: 'dtHours' });
  if (scenario.timestamps.length !== T)
    throw new DerchainInputError(`${scenario.timestamps.length} timestamps for ${T} slots`, { ...ctx, field: 'timestamps' });
  if (scenario.prosumers.length < 1) throw new DerchainInputError('the scenario has no prosumer', ctx);
  checkSeries('tariff.energy', scenario.tariff.energy, T, ctx, false, PLAUSIBLE.price);
  checkSeries('tariff.feedIn', scenario.tariff.feedIn, T, ctx, false, PLAUSIBLE.price);
  checkSeries('tariff.demandResponse', scenario.tariff.demandResponse, T, ctx, true);
  if (!(scenario.tariff.demandCharge >= 0) || !Number.isFinite(scenario.tariff.demandCharge))
    throw new DerchainInputError(`demand charge must be a non-negative number, got ${scenario.tariff.demandCharge}`, { ...ctx, field: 'tariff.demandCharge' });
  if (scenario.prosumers.some((p) => p.params.shiftable)) slotsPerDay(scenario.dtHours);
  const seen = new Set<string>();
  for (const p of scenario.prosumers) {
    if (seen.has(p.id)) throw new DerchainInputError(`prosumer id ${p.id} appears twice`, { ...ctx, prosumer: p.id });
    seen.add(p.id);
    checkProsumer(p, scenario);
  }
}
