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

/** Column infinity norms of the symmetric matrix whose upper triangle is given (norm must start at 0). */
function symmetricColumnNorms(n: number, colPtr: Int32Array, rowIdx: Int32Array, values: Float64Array, norm: Float64Array): void {
  for (let j = 0; j < n; j++) {
    for (let k = colPtr[j], kEnd = colPtr[j + 1]; k < kEnd; k++) {
      const v = Math.abs(values[k]);
      const i = rowIdx[k];
      if (v > norm[j]) norm[j] = v;
      if (v > norm[i]) norm[i] = v;
    }
  }
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
  const pCol = p.colPtr, pRow = p.rowIdx, pVal = p.values;
  const aCol = a.colPtr, aRow = a.rowIdx, aVal = a.values;
  const pNnz = pCol[n];
  for (let pass = 0; pass < passes; pass++) {
    colNorm.fill(0);
    rowNorm.fill(0);
    symmetricColumnNorms(n, pCol, pRow, pVal, colNorm);
    for (let j = 0; j < n; j++) {
      let cj = colNorm[j];
      for (let k = aCol[j], kEnd = aCol[j + 1]; k < kEnd; k++) {
        const v = Math.abs(aVal[k]);
        const i = aRow[k];
        if (v > cj) cj = v;
        if (v > rowNorm[i]) rowNorm[i] = v;
      }
      colNorm[j] = cj;
    }
    for (let j = 0; j < n; j++) dStep[j] = 1 / Math.sqrt(clampNorm(colNorm[j]));
    for (let i = 0; i < m; i++) eStep[i] = 1 / Math.sqrt(clampNorm(rowNorm[i]));
    for (let j = 0; j < n; j++) {
      const dj = dStep[j];
      for (let k = pCol[j], kEnd = pCol[j + 1]; k < kEnd; k++) pVal[k] *= dStep[pRow[k]] * dj;
      for (let k = aCol[j], kEnd = aCol[j + 1]; k < kEnd; k++) aVal[k] *= eStep[aRow[k]] * dj;
      q[j] *= dj;
      d[j] *= dj;
    }
    for (let i = 0; i < m; i++) e[i] *= eStep[i];
    // cost scaling: mean column norm of P against the norm of q
    colNorm.fill(0);
    symmetricColumnNorms(n, pCol, pRow, pVal, colNorm);
    let meanP = 0;
    for (let j = 0; j < n; j++) meanP += colNorm[j];
    meanP = n > 0 ? meanP / n : 0;
    let normQ = 0;
    for (let j = 0; j < n; j++) normQ = Math.max(normQ, Math.abs(q[j]));
    const gamma = 1 / clampNorm(Math.max(meanP, normQ));
    for (let k = 0; k < pNnz; k++) pVal[k] *= gamma;
    for (let j = 0; j < n; j++) q[j] *= gamma;
    c *= gamma;
  }
  const dInv = new Float64Array(n);
  const eInv = new Float64Array(m);
  for (let j = 0; j < n; j++) dInv[j] = 1 / d[j];
  for (let i = 0; i < m; i++) eInv[i] = 1 / e[i];
  return { p, q, a, d, dInv, e, eInv, c };
}
