// The demand-response baseline of the 'baseline' DR mode: in an event slot the prosumer is paid
// piDR per kW below the baseline and commits to import at most the baseline.
//
// Default (no explicit baseline): the import the prosumer would have without coordination,
//   u[t] = max(0, L[t] + PS[t] + pHold[t] - PV[t])
// (PS the preferred shiftable load, pHold the HVAC power that holds tRef at steady state), and
// the baseline of a slot is the largest u over the horizon's slots at the same time of day. The
// maximum keeps it generous (the prosumer can always do what it would have done on its worst day
// at that hour, so the commitment rarely binds and the problem stays feasible), and it makes the
// baseline a property of the time of day, as utilities' baselines are. An explicit baseline
// (params.demandResponse.baseline) has T values or one per slot of the day.
import { DerchainInputError } from '../errors/inputError.js';
import { holdingPower, hvacDecay } from './hvacDynamics.js';
import type { ProsumerInput } from './scenario.js';
import { shiftableWindows } from './shiftableWindows.js';
import type { SlotCalendar } from './slotCalendar.js';

export function uncoordinatedImport(prosumer: ProsumerInput, cal: SlotCalendar, dtHours: number): Float64Array {
  const { load, pv, tOut } = prosumer.series;
  const T = load.length;
  const out = new Float64Array(T);
  const h = prosumer.params.hvac;
  const a = h ? hvacDecay(h, dtHours) : 0;
  const shift = prosumer.params.shiftable ? shiftableWindows(prosumer.params.shiftable, cal, dtHours).preferred : null;
  for (let t = 0; t < T; t++) {
    let demand = load[t];
    if (shift && !Number.isNaN(shift[t])) demand += shift[t];
    if (h) demand += holdingPower(h, a, tOut[t]);
    out[t] = Math.max(0, demand - pv[t]);
  }
  return out;
}

/** The baseline import b[t], kW, length T. */
export function drBaseline(prosumer: ProsumerInput, cal: SlotCalendar, dtHours: number): Float64Array {
  const T = prosumer.series.load.length;
  const given = prosumer.params.demandResponse?.baseline;
  if (given !== undefined) {
    if (given.length === T) return Float64Array.from(given);
    if (given.length === cal.perDay) return Float64Array.from({ length: T }, (_, t) => given[cal.slotOfDay[t]]);
    throw new DerchainInputError(`baseline has ${given.length} values; expected ${T} (one per slot) or ${cal.perDay} (one per slot of the day)`, {
      prosumer: prosumer.id,
      field: 'demandResponse.baseline',
    });
  }
  const u = uncoordinatedImport(prosumer, cal, dtHours);
  const bySlot = new Float64Array(cal.perDay);
  for (let t = 0; t < T; t++) bySlot[cal.slotOfDay[t]] = Math.max(bySlot[cal.slotOfDay[t]], u[t]);
  return Float64Array.from({ length: T }, (_, t) => bySlot[cal.slotOfDay[t]]);
}
