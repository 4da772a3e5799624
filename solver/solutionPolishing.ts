// Solution polishing (OSQP paper, section 5.2): guess the active constraints from the
// ADMM iterate (lower-active when z - l < -y, upper-active when u - z < y), solve the
// equality-constrained QP on that active set through a reduced KKT system regularised by
// delta, and remove the regularisation's error by iterative refinement against the exact
// reduced KKT matrix. The reduced system reuses the ADMM system's fill-reducing order
// restricted to the active rows (fill of an induced subgraph in the same order cannot
// exceed the full graph's). Written for this project from the paper.

import type { CscMatrix } from './types.js';
import { cscMultiply, cscMultiplySymmetricUpper, cscMultiplyTransposed } from './cscMatrix.js';
import { KktSystem } from './kktSystem.js';

export interface PolishInput {
  p: CscMatrix;
  a: CscMatrix;
  at: CscMatrix;
  q: Float64Array;
  l: Float64Array;
  u: Float64Array;
  x: Float64Array;
  z: Float64Array;
  y: Float64Array;
  delta: number;
  refineIterations: number;
  admmSystem: KktSystem;
}

export interface PolishOutput {
  x: Float64Array;
  z: Float64Array;
  y: Float64Array;
  /** +1 upper-active, -1 lower-active, 0 inactive, per row */
  activity: Int8Array;
}

/** Returns the polished scaled iterate, or null when the reduced system is singular. */
export function polishSolution(input: PolishInput): PolishOutput | null {
  const { p, a, at, q, l, u, x, z, y, delta } = input;
  const n = p.n;
  const m = a.m;
  const activity = new Int8Array(m);
  const rowsList: number[] = [];
  const target: number[] = [];
  for (let i = 0; i < m; i++) {
    if (z[i] - l[i] < -y[i]) {
      activity[i] = -1;
      rowsList.push(i);
      target.push(l[i]);
    } else if (u[i] - z[i] < y[i]) {
      activity[i] = 1;
      rowsList.push(i);
      target.push(u[i]);
    }
  }
  const rows = Int32Array.from(rowsList);
  const k = rows.length;
  const system = new KktSystem(p, at, rows, input.admmSystem.restrictedOrdering(rows));
  if (!system.factor(delta, new Float64Array(k).fill(delta))) return null;
  const size = n + k;
  const rhs = new Float64Array(size);
  for (let j = 0; j < n; j++) rhs[j] = -q[j];
  for (let t = 0; t < k; t++) rhs[n + t] = target[t];
  const sol = Float64Array.from(rhs);
  system.solveInPlace(sol);
  // iterative refinement against the unregularised reduced KKT matrix
  const yFull = new Float64Array(m);
  const px = new Float64Array(n);
  const aty = new Float64Array(n);
  const ax = new Float64Array(m);
  const residual = new Float64Array(size);
  const xs = sol.subarray(0, n);
  for (let it = 0; it < input.refineIterations; it++) {
    yFull.fill(0);
    for (let t = 0; t < k; t++) yFull[rows[t]] = sol[n + t];
    cscMultiplySymmetricUpper(p, xs, px);
    cscMultiplyTransposed(a, yFull, aty);
    cscMultiply(a, xs, ax);
    for (let j = 0; j < n; j++) residual[j] = rhs[j] - px[j] - aty[j];
    for (let t = 0; t < k; t++) residual[n + t] = rhs[n + t] - ax[rows[t]];
    system.solveInPlace(residual);
    for (let s = 0; s < size; s++) sol[s] += residual[s];
  }
  const xOut = Float64Array.from(xs);
  const yOut = new Float64Array(m);
  for (let t = 0; t < k; t++) yOut[rows[t]] = sol[n + t];
  const zOut = new Float64Array(m);
  cscMultiply(a, xOut, zOut);
  for (let i = 0; i < m; i++) zOut[i] = Math.min(Math.max(zOut[i], l[i]), u[i]);
  for (let s = 0; s < size; s++) if (!Number.isFinite(sol[s])) return null;
  return { x: xOut, z: zOut, y: yOut, activity };
}
