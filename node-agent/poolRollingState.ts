// What one household agent carries from a pool round to the next rolling re-clear (the window
// shifted one slot): its warm start (its own final target z_i and the round's final prices, each
// shifted one slot, the slot that enters taking the value of the slot that left) and its own DER
// state after the executed slot (battery level, indoor temperature of slot 0 of its last local
// solution: admm/poolRolling.ts's carryOverParams, the rule the in-memory rolling re-clears apply
// to all prosumers at once), so the on-chain re-clear and its in-memory twin start from the same integers.

/** A row of per-slot integers shifted one slot left; the slot that enters takes the value of the slot that left. */
export function shiftSlots(values: ArrayLike<bigint>): BigInt64Array {
  const T = values.length;
  const out = new BigInt64Array(T);
  for (let t = 0; t + 1 < T; t++) out[t] = values[t + 1]!;
  if (T > 0) out[T - 1] = values[0]!;
  return out;
}

