// The room's thermal model (constraint 2, model note):
//   tIn[t] = tOut[t] - (tOut[t] - tIn[t-1]) * a + gamma * pAC[t or t-1],  a = exp(-dt / (R*C)).
// Helpers shared by the QP block, the default DR baseline and the feasibility check.
import type { HvacParams } from './params.js';

/** a = exp(-dt / (R*C)): the share of the indoor-outdoor difference that survives one slot. */
export function hvacDecay(h: HvacParams, dtHours: number): number {
  return Math.exp(-dtHours / (h.R * h.C));
}

/** Indoor temperature before the first slot (tIn0, default tRef), degrees C. */
export function initialIndoor(h: HvacParams): number {
  return h.tIn0 ?? h.tRef;
}

/** HVAC power that holds tRef against tOut at steady state, clipped to [0, PACmax], kW. */
export function holdingPower(h: HvacParams, a: number, tOut: number): number {
  if (h.gamma === 0) return 0;
  const p = ((1 - a) * (h.tRef - tOut)) / h.gamma;
  return Math.min(h.PACmax, Math.max(0, p));
}
