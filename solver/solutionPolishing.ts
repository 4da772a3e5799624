// Solution polishing (OSQP paper, section 5.2): guess the active constraints from the
// ADMM iterate (lower-active when z - l < -y, upper-active when u - z < y), solve the
// equality-constrained QP on that active set through a KKT system regularised by delta,
// and remove the regularisation's error by iterative refinement against the exact
// reduced KKT system. The regularised system has the ADMM matrix's pattern, so it reuses
// its ordering and symbolic analysis (only a numeric factorisation per polish). When the
// guess fails (a violated inactive row or a multiplier of the wrong sign, typical of
// degenerate, LP-like problems), the caller may try primal-dual active-set corrections
// (Hintermueller, Ito, Kunisch 2002). Written for this project from the paper.

import type { CscMatrix } from './types.js';
import { cscMultiply, cscMultiplySymmetricUpper, cscMultiplyTransposed } from './cscMatrix.js';
import type { KktSystem } from './kktSystem.js';

export interface PolishInput {
  p: CscMatrix;
  a: CscMatrix;
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

/**
 * Solves the QP restricted to the given active set; null when the regularised system is
 * singular or has the wrong inertia.
 *
 * Instead of assembling the reduced KKT matrix of the active rows, the ADMM matrix is
 * refactored (a second numeric factorisation sharing its ordering and symbolic analysis)
 * with the diagonals [delta I; -delta on active rows; -1/delta on inactive rows]. An
 * inactive row then carries y_i = delta * A_i x, close to the exact y_i = 0; the exact
 * system (x rows P x + A'y = -q, active rows A_i x = b_i, inactive rows -y_i / delta = 0)
 * is reached by iterative refinement, and y_i = 0 is set on inactive rows at the end.
 */
export function polishSolution(input: PolishInput, activity: Int8Array): PolishOutput | null {
  const { p, a, q, l, u, delta } = input;
  const n = p.n;
  const m = a.m;
  const system = input.admmSystem;
  const rowDiag = new Float64Array(m);
  const target = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    if (activity[i] !== 0) {
      rowDiag[i] = delta;
      target[i] = activity[i] < 0 ? l[i] : u[i];
    } else {
      rowDiag[i] = 1 / delta;
    }
  }
  if (!system.factorVariant(delta, rowDiag)) return null;
  const size = n + m;
  const rhs = new Float64Array(size);
  for (let j = 0; j < n; j++) rhs[j] = -q[j];
  for (let i = 0; i < m; i++) rhs[n + i] = target[i];
  const sol = Float64Array.from(rhs);
  system.solveVariantInPlace(sol);
  const px = new Float64Array(n);
  const aty = new Float64Array(n);
  const ax = new Float64Array(m);
  const residual = new Float64Array(size);
  const xs = sol.subarray(0, n);
  const ys = sol.subarray(n, size);
  for (let it = 0; it < input.refineIterations; it++) {
    cscMultiplySymmetricUpper(p, xs, px);
    cscMultiplyTransposed(a, ys, aty);
    cscMultiply(a, xs, ax);
    for (let j = 0; j < n; j++) residual[j] = rhs[j] - px[j] - aty[j];
    for (let i = 0; i < m; i++) residual[n + i] = activity[i] !== 0 ? target[i] - ax[i] : ys[i] / delta;
    system.solveVariantInPlace(residual);
    for (let k = 0; k < size; k++) sol[k] += residual[k];
  }
  for (let k = 0; k < size; k++) if (!Number.isFinite(sol[k])) return null;
  const xOut = Float64Array.from(xs);
  const yOut = new Float64Array(m);
  for (let i = 0; i < m; i++) if (activity[i] !== 0) yOut[i] = ys[i];
  const axOut = new Float64Array(m);
  cscMultiply(a, xOut, axOut);
  const zOut = new Float64Array(m);
  for (let i = 0; i < m; i++) zOut[i] = Math.min(Math.max(axOut[i], l[i]), u[i]);
  return { x: xOut, z: zOut, y: yOut, ax: axOut, activity: Int8Array.from(activity) };
}
