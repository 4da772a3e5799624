// Reading the result's trade and price arrays by participant pair, whichever of the two layouts
// they use: trades[i] with one row per participant j (self row zero) or with the N-1 partners in
// participant order skipping i (design.md "Trade layout"). Also picks the prosumers the report
// singles out: the biggest net seller and the biggest net buyer over the horizon (paper Fig. 6).
import type { CoordinationResult } from '../admm/types.js';

/** Row of `byPair[i]` holding partner j, or -1 for j = i. */
export function partnerRow(rowsOfI: number, n: number, i: number, j: number): number {
  if (i === j) return -1;
  if (rowsOfI === n) return j;
  return j < i ? j : j - 1;
}

/** pairValue(result.trades, i, j, t): the entry for ordered pair (i, j) and slot t, 0 when absent. */
export function pairValue(byPair: number[][][], n: number, i: number, j: number, t: number): number {
  const rows = byPair[i];
  if (!rows) return 0;
  const r = partnerRow(rows.length, n, i, j);
  if (r < 0) return 0;
  return rows[r]?.[t] ?? 0;
}

/** Net energy sold over the horizon per prosumer (kWh; negative: net buyer). */
export function netSoldKWh(result: CoordinationResult): number[] {
  return result.admmSchedules.map((s) => s.netTrade.reduce((a, v) => a + v, 0) * result.dtHours);
}

/** Indices of the biggest net seller and the biggest net buyer (distinct when N >= 2). */
export function biggestSellerAndBuyer(result: CoordinationResult): { seller: number; buyer: number } {
  const net = netSoldKWh(result);
  let seller = 0;
  net.forEach((v, k) => {
    if (v > net[seller]) seller = k;
  });
  let buyer = seller === 0 && net.length > 1 ? 1 : 0;
  net.forEach((v, k) => {
    if (k !== seller && v < net[buyer]) buyer = k;
  });
  return { seller, buyer };
}
