// Modified Ruiz equilibration of the QP data, as in the OSQP paper (section 5.1): the
// KKT-like matrix [P A'; A 0] is repeatedly scaled by the inverse square roots of its
// column infinity norms, giving diagonal D (variables) and E (constraints), and the cost
// is scaled by a scalar c so that P and q have norms near one. The scaled problem is
//   P~ = c D P D,  q~ = c D q,  A~ = E A D,  l~ = E l,  u~ = E u,
// and its solution maps back by x = D x~, y = E y~ / c, z = z~ / E.
// Written for this project from the paper's description.

import type { CscMatrix } from './types.js';
import { cscClone } from './cscMatrix.js';

export interface ScaledData {
  p: CscMatrix;
  q: Float64Array;
  a: CscMatrix;
  /** variable scaling D */
  d: Float64Array;
  dInv: Float64Array;
  /** constraint scaling E */
  e: Float64Array;
  eInv: Float64Array;
  /** cost scaling c */
  c: number;
}

const MIN_NORM = 1e-4;
const MAX_NORM = 1e4;

function clampNorm(v: number): number {
  if (v < MIN_NORM) return 1;
  return v > MAX_NORM ? MAX_NORM : v;
}

/** Scales P (upper), q and A by `passes` Ruiz passes (0 = identity scaling). */
export function ruizScaling(pIn: CscMatrix, qIn: Float64Array, aIn: CscMatrix, passes: number): ScaledData {
  const n = pIn.n;
  const m = aIn.m;
  const p = cscClone(pIn);
  const a = cscClone(aIn);
  const q = Float64Array.from(qIn);
  const d = new Float64Array(n).fill(1);
  const e = new Float64Array(m).fill(1);
  let c = 1;
  const colNorm = new Float64Array(n);
  const rowNorm = new Float64Array(m);
  const dStep = new Float64Array(n);
  const eStep = new Float64Array(m);
  for (let pass = 0; pass < passes; pass++) {
    colNorm.fill(0);
    rowNorm.fill(0);
    for (let j = 0; j < n; j++) {
      for (let k = p.colPtr[j]; k < p.colPtr[j + 1]; k++) {
        const v = Math.abs(p.values[k]);
        const i = p.rowIdx[k];
        if (v > colNorm[j]) colNorm[j] = v;
        if (v > colNorm[i]) colNorm[i] = v;
      }
      for (let k = a.colPtr[j]; k < a.colPtr[j + 1]; k++) {
        const v = Math.abs(a.values[k]);
        const i = a.rowIdx[k];
        if (v > colNorm[j]) colNorm[j] = v;
        if (v > rowNorm[i]) rowNorm[i] = v;
      }
    }
    for (let j = 0; j < n; j++) dStep[j] = 1 / Math.sqrt(clampNorm(colNorm[j]));
    for (let i = 0; i < m; i++) eStep[i] = 1 / Math.sqrt(clampNorm(rowNorm[i]));
    for (let j = 0; j < n; j++) {
      for (let k = p.colPtr[j]; k < p.colPtr[j + 1]; k++) p.values[k] *= dStep[p.rowIdx[k]] * dStep[j];
      for (let k = a.colPtr[j]; k < a.colPtr[j + 1]; k++) a.values[k] *= eStep[a.rowIdx[k]] * dStep[j];
      q[j] *= dStep[j];
      d[j] *= dStep[j];
    }
    for (let i = 0; i < m; i++) e[i] *= eStep[i];
    // cost scaling: mean column norm of P against the norm of q
    colNorm.fill(0);
    for (let j = 0; j < n; j++) {
      for (let k = p.colPtr[j]; k < p.colPtr[j + 1]; k++) {
        const v = Math.abs(p.values[k]);
        const i = p.rowIdx[k];
        if (v > colNorm[j]) colNorm[j] = v;
        if (v > colNorm[i]) colNorm[i] = v;
      }
    }
    let meanP = 0;
    for (let j = 0; j < n; j++) meanP += colNorm[j];
    meanP = n > 0 ? meanP / n : 0;
    let normQ = 0;
    for (let j = 0; j < n; j++) normQ = Math.max(normQ, Math.abs(q[j]));
    const gamma = 1 / clampNorm(Math.max(meanP, normQ));
    for (let k = 0; k < p.colPtr[n]; k++) p.values[k] *= gamma;
    for (let j = 0; j < n; j++) q[j] *= gamma;
    c *= gamma;
  }
  const dInv = new Float64Array(n);
  const eInv = new Float64Array(m);
  for (let j = 0; j < n; j++) dInv[j] = 1 / d[j];
  for (let i = 0; i < m; i++) eInv[i] = 1 / e[i];
  return { p, q, a, d, dInv, e, eInv, c };
}
