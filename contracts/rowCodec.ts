// A prosumer's row of trades on the wire: its N-1 partners in participant order (skipping
// itself), T slots each, row[m * T + t], as big-endian int32 in 1e-6 kW (docs/design.md).
// Also moves rows in and out of the coordinator's full n*n*t arrays (admm/coordinatorStep.ts).
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import { index } from '../admm/coordinatorStep.js';

export const INT32_MIN = -(2n ** 31n);
export const INT32_MAX = 2n ** 31n - 1n;

/** Encodes a row of fixed-point trades as the contract's packed bytes. */
export function encodeRow(row: ArrayLike<bigint>): Hex {
  const bytes = new Uint8Array(row.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < row.length; k++) {
    const v = row[k];
    if (v < INT32_MIN || v > INT32_MAX) throw new RangeError(`trade ${v} at position ${k} does not fit int32`);
    view.setInt32(k * 4, Number(v), false);
  }
  return bytesToHex(bytes);
}

/** Decodes the contract's packed bytes into fixed-point trades. */
export function decodeRow(hex: Hex): BigInt64Array {
  const bytes = hexToBytes(hex);
  if (bytes.length % 4 !== 0) throw new Error(`row of ${bytes.length} bytes is not a whole number of int32`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new BigInt64Array(bytes.length / 4);
  for (let k = 0; k < out.length; k++) out[k] = BigInt(view.getInt32(k * 4, false));
  return out;
}

/** Position of partner j in participant i's row. */
export function partnerSlot(i: number, j: number): number {
  if (i === j) throw new Error('a participant has no trade with itself');
  return j < i ? j : j - 1;
}

/** Participant i's row out of a full n*n*t array. */
export function rowOf(full: ArrayLike<bigint>, n: number, t: number, i: number): BigInt64Array {
  const row = new BigInt64Array((n - 1) * t);
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const m = partnerSlot(i, j);
    for (let s = 0; s < t; s++) row[m * t + s] = full[index(n, t, i, j, s)];
  }
  return row;
}

/** Writes participant i's row into a full n*n*t array. */
export function placeRow(full: BigInt64Array, n: number, t: number, i: number, row: ArrayLike<bigint>): void {
  if (row.length !== (n - 1) * t) throw new Error(`row has ${row.length} entries, expected ${(n - 1) * t}`);
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const m = partnerSlot(i, j);
    for (let s = 0; s < t; s++) full[index(n, t, i, j, s)] = row[m * t + s];
  }
}
