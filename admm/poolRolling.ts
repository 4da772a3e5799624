// Rolling re-clears of the pool market in memory: clear a window of T slots, execute its first
// slot, then every hour (slot) re-clear the window shifted by one slot, warm-started from the last
// clearing: its prices and every agent's target shifted by one slot (the slot that enters the window
// takes the values of the slot that left it, one period earlier), with each battery's energy and
// each room's temperature carried over from the executed slot. Reports the iterations of every
// re-clear. The chain's `pilot --rolling H` runs the same schedule on one contract.
//
// Simplification (documented in the README): a shiftable appliance's daily energy is required again
// by every window that contains its window slots; what the executed slots already ran is not netted.
import { DEFAULT_POOL_OPTIONS, setupPool, type PoolOptions, type PoolResult, type PoolWarmStart } from './poolEngine.js';
import type { ProsumerInput, Scenario } from '../model/scenario.js';
import type { ProsumerSchedule } from './types.js';

export interface RollingOptions {
  /** re-clears after the first clearing */
  hours: number;
  /** window length in slots (default: 24 h) */
  window?: number;
}

export interface RollingStep {
  /** 0 = the first (cold) clearing, h = the h-th re-clear */
  index: number;
  /** first slot of the window in the full scenario */
  start: number;
  iterations: number;
  converged: boolean;
  relativeGap: number;
  largestImbalanceKw: number;
  seconds: number;
  /** first iteration from which the gap to the optimum stays <= 1e-3 (when the reference was solved) */
  gapBelow1e3From?: number;
  /** how the round ended: 'converged' = the residual rule (admm/poolStep.ts) */
  status: PoolResult['pool']['status'];
  /** largest slot imbalance before balancing after the FIRST iteration, kW, and its slot in the window */
  firstIterationImbalanceKw: number;
  firstIterationImbalanceSlot: number;
}

export interface RollingResult {
  steps: RollingStep[];
  /** the first clearing (cold start) in full */
  first: PoolResult;
  /** the last re-clear in full */
  last: PoolResult;
}

/** Slots start..start+T-1 of a scenario, with the given prosumers' parameters (default: the scenario's). */
export function rollingWindow(scenario: Scenario, start: number, T: number, carried: ProsumerInput[] = scenario.prosumers): Scenario {
  const end = start + T;
  const slice = (a: Float64Array) => a.slice(start, end);
  return {
    ...scenario,
    horizon: T,
    timestamps: scenario.timestamps.slice(start, end),
    tariff: {
      ...scenario.tariff,
      energy: slice(scenario.tariff.energy),
      feedIn: slice(scenario.tariff.feedIn),
      demandResponse: slice(scenario.tariff.demandResponse),
    },
    prosumers: carried.map((p) => ({ ...p, series: { load: slice(p.series.load), pv: slice(p.series.pv), tOut: slice(p.series.tOut) } })),
  };
}

/** A household's parameters after executing slot 0 of `schedule`: battery level and indoor temperature carried over. */
export function carryOverParams(params: ProsumerInput['params'], schedule: ProsumerSchedule): ProsumerInput['params'] {
  const out = { ...params };
  if (out.battery) {
    const b = out.battery;
    out.battery = { ...b, e0: Math.min(b.aMax, Math.max(b.aMin, schedule.e[0]! / b.E)) };
  }
  if (out.hvac && Number.isFinite(schedule.tIn[0])) {
    const h = out.hvac;
    out.hvac = { ...h, tIn0: Math.min(h.TACmax, Math.max(h.TACmin, schedule.tIn[0]!)) };
  }
  return out;
}

/** The prosumers' state after executing slot 0 of `result`. */
export function carryOver(prosumers: ProsumerInput[], result: PoolResult): ProsumerInput[] {
  return prosumers.map((p, i) => ({ ...p, params: carryOverParams(p.params, result.admmSchedules[i]!) }));
}

/** First iteration from which the objective stays within `gap` (relative) of the centralised optimum. */
export function firstStayingWithin(r: PoolResult, gap: number): number | undefined {
  if (!Number.isFinite(r.centralizedObjective)) return undefined;
  let k: number | undefined;
  for (let i = r.history.length - 1; i >= 0; i--) {
    if (!(Math.abs(r.history[i].objective - r.centralizedObjective) <= gap * Math.abs(r.centralizedObjective))) break;
    k = r.history[i].iteration;
  }
  return k;
}

/** Shift a row one slot left; the slot that enters takes the value of the slot that left. */
function shiftRow(values: ArrayLike<number>): number[] {
  const out = Array.from(values);
  const first = out.shift();
  out.push(first ?? 0);
  return out;
}

/** The warm start of the next window from a clearing: prices and targets shifted by one slot. */
export function shiftedWarmStart(result: PoolResult): PoolWarmStart {
  return {
    prices: shiftRow(result.pool.clearingPrices),
    targets: result.pool.fixed.targets.map((z) => shiftRow(z.map((v) => Number(v) / 1e6))),
  };
}

/**
 * Clear `window` slots from slot 0 of `scenario`, then re-clear `hours` times with the window
 * shifted one slot each time. The scenario must hold window + hours slots.
 */
export function runPoolRolling(scenario: Scenario, rolling: RollingOptions, options: Partial<PoolOptions> = {}, onStep?: (step: RollingStep) => void): RollingResult {
  const T = rolling.window ?? Math.round(24 / scenario.dtHours);
  const H = rolling.hours;
  if (!Number.isInteger(H) || H < 0) throw new RangeError(`hours must be a whole number >= 0, got ${H}`);
  if (T + H > scenario.horizon) throw new RangeError(`rolling ${H} re-clears of a ${T}-slot window need ${T + H} slots; the scenario has ${scenario.horizon}`);
  const o = { ...DEFAULT_POOL_OPTIONS, ...options };
  let prosumers = scenario.prosumers;
  let previous: PoolResult | null = null;
  let first: PoolResult | null = null;
  const steps: RollingStep[] = [];
  for (let h = 0; h <= H; h++) {
    const win = rollingWindow(scenario, h, T, prosumers);
    const problem = setupPool(win, o);
    if (previous) problem.warmStart(shiftedWarmStart(previous));
    const r = problem.solve();
    const step: RollingStep = {
      index: h,
      start: h,
      iterations: r.iterations,
      converged: r.converged,
      relativeGap: r.relativeGap,
      largestImbalanceKw: r.pool.largestImbalanceKw,
      seconds: r.seconds,
      status: r.pool.status,
      firstIterationImbalanceKw: r.history[0]?.largestImbalanceKw ?? Number.NaN,
      firstIterationImbalanceSlot: r.pool.largestImbalanceSlots[0] ?? -1,
    };
    const within = firstStayingWithin(r, 1e-3);
    if (within !== undefined) step.gapBelow1e3From = within;
    steps.push(step);
    onStep?.(step);
    if (!first) first = r;
    previous = r;
    prosumers = carryOver(prosumers, r);
  }
  if (!first || !previous) throw new Error('internal: no clearing');
  return { steps, first, last: previous };
}
