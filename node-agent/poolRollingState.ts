// What one household agent carries from a pool round to the next rolling re-clear (the window
// shifted one slot): its warm start (its own final target z_i and the round's final prices, each
// shifted one slot, the slot that enters taking the value of the slot that left) and its own DER
// state after the executed slot (battery level, indoor temperature of slot 0 of its last local
// solution). The same rules as admm/poolRolling.ts (the in-memory rolling re-clears) applies to
// all prosumers at once; the agent applies them to its own household only, so the on-chain
// re-clear and its in-memory twin start from the same integers.
import type { ProsumerSchedule } from '../admm/types.js';
import type { ProsumerInput } from '../model/scenario.js';

/** A row of per-slot integers shifted one slot left; the slot that enters takes the value of the slot that left. */
export function shiftSlots(values: ArrayLike<bigint>): BigInt64Array {
  const T = values.length;
  const out = new BigInt64Array(T);
  for (let t = 0; t + 1 < T; t++) out[t] = values[t + 1]!;
  if (T > 0) out[T - 1] = values[0]!;
  return out;
}

/** The household's parameters after executing slot 0 of `schedule`: battery level and indoor temperature carried over. */
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
