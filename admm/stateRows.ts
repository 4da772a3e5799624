// Conversions between the coordinator state (fixed point, n*n*t arrays of coordinatorStep.ts)
// and what one participant sees or sends: its rows of lambda and pHat in float (partners in
// participant order skipping itself, row[m*T + t]), and its submitted trades in fixed point.
// Shared by the in-memory engine, the node agent and the contract tests.
import { fromFixed, index, SCALE, toFixed, type CoordinatorState, type StepResult } from './coordinatorStep.js';

/** Partner slot m of participant i for participant j (j != i). */
export function partnerSlot(i: number, j: number): number {
  return j < i ? j : j - 1;
}

/** Participant j behind partner slot m of participant i. */
export function partnerOf(i: number, m: number): number {
  return m < i ? m : m + 1;
}

/** Participant i's lambda (currency/kWh) and pHat (kW) rows, (n-1)*t each. */
export function participantRows(state: CoordinatorState, n: number, t: number, i: number): { lambdaRow: Float64Array; hatRow: Float64Array } {
  const lambdaRow = new Float64Array((n - 1) * t);
  const hatRow = new Float64Array((n - 1) * t);
  for (let m = 0; m < n - 1; m++) {
    const j = partnerOf(i, m);
    for (let s = 0; s < t; s++) {
      const k = index(n, t, i, j, s);
      lambdaRow[m * t + s] = fromFixed(state.lambda[k]);
      hatRow[m * t + s] = fromFixed(state.hat[k]);
    }
  }
  return { lambdaRow, hatRow };
}

/** Participant i's trade row (kW, (n-1)*t) in fixed point, in the row layout (what it submits). */
export function tradeRowToFixed(row: Float64Array): BigInt64Array {
  return BigInt64Array.from(row, (v) => toFixed(v));
}

/** Write participant i's fixed-point trade row into the n*n*t trade array of coordinatorStep. */
export function placeTradeRow(trades: BigInt64Array, n: number, t: number, i: number, row: BigInt64Array): void {
  if (row.length !== (n - 1) * t) throw new Error(`trade row has ${row.length} entries, expected ${(n - 1) * t}`);
  for (let m = 0; m < n - 1; m++) {
    const j = partnerOf(i, m);
    for (let s = 0; s < t; s++) trades[index(n, t, i, j, s)] = row[m * t + s];
  }
}

/** Float trade rows of all participants to the fixed-point n*n*t array (diagonal 0). */
export function tradesToFixed(rows: readonly Float64Array[], n: number, t: number): BigInt64Array {
  const out = new BigInt64Array(n * n * t);
  rows.forEach((row, i) => placeTradeRow(out, n, t, i, tradeRowToFixed(row)));
  return out;
}

/** An n*n*t fixed-point array as [i][j][t] floats. */
export function fixedToNested(values: BigInt64Array, n: number, t: number): number[][][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Array.from({ length: t }, (_, s) => fromFixed(values[index(n, t, i, j, s)]))));
}

/** [i][j][t] prices (currency/kWh), e.g. a previous run's `prices`, to a fixed-point lambda. */
export function nestedToFixed(values: readonly (readonly (readonly number[])[])[], n: number, t: number): BigInt64Array {
  if (values.length !== n) throw new Error(`expected ${n} participants, got ${values.length}`);
  const out = new BigInt64Array(n * n * t);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let s = 0; s < t; s++) out[index(n, t, i, j, s)] = i === j ? 0n : toFixed(values[i][j][s] ?? 0);
  return out;
}

/**
 * The step's residuals in real units:
 *   primal ||pHat - pET|| = sqrt(R) * 1e-6 kW (R is in (1e-6 kW)^2);
 *   dual rho * ||pHat_k - pHat_{k-1}|| = (rho * 1e-6) * sqrt(S) * 1e-6 currency/kWh.
 */
export function realResiduals(step: StepResult): { primal: number; dual: number; rho: number } {
  const scale = Number(SCALE);
  const rho = Number(step.rhoUsed) / scale;
  return { primal: Math.sqrt(Number(step.primalSq)) / scale, dual: (rho * Math.sqrt(Number(step.dualSq))) / scale, rho };
}
