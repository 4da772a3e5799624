// Solution polishing (OSQP paper, section 5.2): guess the active constraints from the
// ADMM iterate (lower-active when z - l < -y, upper-active when u - z < y), solve the
// equality-constrained QP on that active set through a reduced KKT system regularised by
// delta, and remove the regularisation's error by iterative refinement against the exact
// reduced KKT matrix. The reduced system reuses the ADMM system's fill-reducing order
// restricted to the active rows (fill of an induced subgraph in the same order cannot
// exceed the full graph's). When the guess fails (a multiplier of the wrong sign or a
// violated inactive row, typical of degenerate, LP-like problems), a few primal-dual
// active-set corrections follow (Hintermueller, Ito, Kunisch 2002). Written for this project from the paper.

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
  delta: number;
  refineIterations: number;
  admmSystem: KktSystem;
}

export interface PolishOutput {
  x: Float64Array;
  z: Float64Array;
  y: Float64Array;
  /** A x of the polished point (before projection onto [l, u]) */
  ax: Float64Array;
  /** +1 upper-active, -1 lower-active, 0 inactive, per row (the set this point was solved on) */
  activity: Int8Array;
}

/** OSQP's active-set guess from an ADMM iterate; rows with l = u are always active. */
export function guessActivity(z: Float64Array, y: Float64Array, l: Float64Array, u: Float64Array): Int8Array {
  const m = z.length;
  const activity = new Int8Array(m);
  for (let i = 0; i < m; i++) {
    if (l[i] === u[i]) activity[i] = -1;
    else if (z[i] - l[i] < -y[i]) activity[i] = -1;
    else if (u[i] - z[i] < y[i]) activity[i] = 1;
  }
  return activity;
}

/**
 * One active-set correction of a failed polish: inactive rows whose bound the polished
 * point violates join the set; when there are none, rows whose multiplier has the wrong
 * sign leave it.
 * Returns null when nothing changes.
 */
export function correctActivity(out: PolishOutput, l: Float64Array, u: Float64Array): Int8Array | null {
  const m = out.activity.length;
  const next = Int8Array.from(out.activity);
  let added = false;
  for (let i = 0; i < m; i++) {
    if (out.activity[i] !== 0) continue;
    const v = out.ax[i];
    if (v < l[i] - 1e-9 * (1 + Math.abs(l[i]))) {
      next[i] = -1;
      added = true;
    } else if (v > u[i] + 1e-9 * (1 + Math.abs(u[i]))) {
      next[i] = 1;
      added = true;
    }
  }
  if (added) return next;
  // no violated row: release the rows whose multiplier has the wrong sign
  let dropped = false;
  for (let i = 0; i < m; i++) {
    if (l[i] === u[i]) continue;
    const act = out.activity[i];
    if ((act < 0 && out.y[i] > 0) || (act > 0 && out.y[i] < 0)) {
      next[i] = 0;
      dropped = true;
    }
  }
  return dropped ? next : null;
}

/** Solves the QP restricted to the given active set; null when the reduced system is singular. */
export function polishSolution(input: PolishInput, activity: Int8Array): PolishOutput | null {
  const { p, a, at, q, l, u, delta } = input;
  const n = p.n;
  const m = a.m;
  const rowsList: number[] = [];
  const target: number[] = [];
  for (let i = 0; i < m; i++) {
    if (activity[i] < 0) {
      rowsList.push(i);
      target.push(l[i]);
    } else if (activity[i] > 0) {
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
  const axOut = new Float64Array(m);
  cscMultiply(a, xOut, axOut);
  const zOut = new Float64Array(m);
  for (let i = 0; i < m; i++) zOut[i] = Math.min(Math.max(axOut[i], l[i]), u[i]);
  for (let s = 0; s < size; s++) if (!Number.isFinite(sol[s])) return null;
  return { x: xOut, z: zOut, y: yOut, ax: axOut, activity: Int8Array.from(activity) };
}
