// Compressed sparse column (CSC) helpers for the QP solver: building a matrix from
// triplets, checking one, and the matrix-vector products the ADMM iteration needs.
// Written from the textbook definition of the CSC format; no third-party code.

import type { CscMatrix } from './types.js';

/**
 * Builds an m x n CSC matrix from (row, col, value) triplets. Duplicate positions are
 * summed, row indices are sorted within each column. Throws on out-of-range indices or
 * non-finite values.
 */
export function cscFromTriplets(
  m: number,
  n: number,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  values: ArrayLike<number>,
): CscMatrix {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || n < 0) {
    throw new Error(`cscFromTriplets: invalid shape ${m} x ${n}`);
  }
  const count = rows.length;
  if (cols.length !== count || values.length !== count) {
    throw new Error(
      `cscFromTriplets: rows (${rows.length}), cols (${cols.length}) and values (${values.length}) differ in length`,
    );
  }
  const perColumn = new Int32Array(n + 1);
  for (let k = 0; k < count; k++) {
    const r = rows[k];
    const c = cols[k];
    if (!Number.isInteger(r) || r < 0 || r >= m) throw new Error(`cscFromTriplets: row index ${r} of entry ${k} outside 0..${m - 1}`);
    if (!Number.isInteger(c) || c < 0 || c >= n) throw new Error(`cscFromTriplets: column index ${c} of entry ${k} outside 0..${n - 1}`);
    if (!Number.isFinite(values[k])) throw new Error(`cscFromTriplets: value of entry ${k} (${r}, ${c}) is not finite`);
    perColumn[c + 1]++;
  }
  for (let j = 0; j < n; j++) perColumn[j + 1] += perColumn[j];
  // bucket the triplets by column
  const next = perColumn.slice(0, n);
  const bucketRow = new Int32Array(count);
  const bucketVal = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const pos = next[cols[k]]++;
    bucketRow[pos] = rows[k];
    bucketVal[pos] = values[k];
  }
  // per column: sort by row (insertion sort on small columns, index sort otherwise) and merge duplicates
  const colPtr = new Int32Array(n + 1);
  const rowIdx = new Int32Array(count);
  const vals = new Float64Array(count);
  let nnz = 0;
  const order: number[] = [];
  for (let j = 0; j < n; j++) {
    const start = perColumn[j];
    const end = perColumn[j + 1];
    order.length = 0;
    for (let p = start; p < end; p++) order.push(p);
    order.sort((a, b) => bucketRow[a] - bucketRow[b] || a - b);
    for (let t = 0; t < order.length; t++) {
      const p = order[t];
      const r = bucketRow[p];
      if (nnz > colPtr[j] && rowIdx[nnz - 1] === r) {
        vals[nnz - 1] += bucketVal[p];
      } else {
        rowIdx[nnz] = r;
        vals[nnz] = bucketVal[p];
        nnz++;
      }
    }
    colPtr[j + 1] = nnz;
  }
  return { m, n, colPtr, rowIdx: rowIdx.slice(0, nnz), values: vals.slice(0, nnz) };
}

/** Builds a CSC matrix from a dense row-major array of rows, keeping the nonzeros. */
export function cscFromDense(dense: ReadonlyArray<ReadonlyArray<number>>, n?: number): CscMatrix {
  const m = dense.length;
  const cols = n ?? (m > 0 ? dense[0].length : 0);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < m; i++) {
    if (dense[i].length !== cols) throw new Error(`cscFromDense: row ${i} has ${dense[i].length} entries, expected ${cols}`);
    for (let j = 0; j < cols; j++) {
      if (dense[i][j] !== 0) {
        r.push(i);
        c.push(j);
        v.push(dense[i][j]);
      }
    }
  }
  return cscFromTriplets(m, cols, r, c, v);
}

/** Number of stored entries. */
export function cscNnz(a: CscMatrix): number {
  return a.colPtr[a.n];
}

/** Throws a descriptive error when `a` is not a well-formed CSC matrix of the given shape. */
export function validateCsc(a: CscMatrix, name: string, m: number, n: number): void {
  if (a.m !== m || a.n !== n) throw new Error(`${name}: shape ${a.m} x ${a.n}, expected ${m} x ${n}`);
  if (a.colPtr.length !== n + 1) throw new Error(`${name}: colPtr has length ${a.colPtr.length}, expected ${n + 1}`);
  if (a.colPtr[0] !== 0) throw new Error(`${name}: colPtr[0] must be 0`);
  const nnz = a.colPtr[n];
  if (a.rowIdx.length < nnz || a.values.length < nnz) {
    throw new Error(`${name}: colPtr[n] = ${nnz} but rowIdx/values hold ${a.rowIdx.length}/${a.values.length}`);
  }
  for (let j = 0; j < n; j++) {
    if (a.colPtr[j + 1] < a.colPtr[j]) throw new Error(`${name}: colPtr decreases at column ${j}`);
    let last = -1;
    for (let p = a.colPtr[j]; p < a.colPtr[j + 1]; p++) {
      const i = a.rowIdx[p];
      if (i < 0 || i >= m) throw new Error(`${name}: row index ${i} in column ${j} outside 0..${m - 1}`);
      if (i <= last) throw new Error(`${name}: row indices in column ${j} not strictly increasing`);
      if (!Number.isFinite(a.values[p])) throw new Error(`${name}: entry (${i}, ${j}) is not finite`);
      last = i;
    }
  }
}

/** y = A x (y overwritten). */
export function cscMultiply(a: CscMatrix, x: Float64Array, y: Float64Array): void {
  y.fill(0, 0, a.m);
  const { colPtr, rowIdx, values } = a;
  for (let j = 0; j < a.n; j++) {
    const xj = x[j];
    if (xj === 0) continue;
    for (let p = colPtr[j], pEnd = colPtr[j + 1]; p < pEnd; p++) y[rowIdx[p]] += values[p] * xj;
  }
}

/** y = A' x (y overwritten). */
export function cscMultiplyTransposed(a: CscMatrix, x: Float64Array, y: Float64Array): void {
  const { colPtr, rowIdx, values } = a;
  for (let j = 0; j < a.n; j++) {
    let s = 0;
    for (let p = colPtr[j], pEnd = colPtr[j + 1]; p < pEnd; p++) s += values[p] * x[rowIdx[p]];
    y[j] = s;
  }
}

/** y = P x for symmetric P given by its upper triangle (y overwritten). */
export function cscMultiplySymmetricUpper(p: CscMatrix, x: Float64Array, y: Float64Array): void {
  y.fill(0, 0, p.n);
  const { colPtr, rowIdx, values } = p;
  for (let j = 0; j < p.n; j++) {
    const xj = x[j];
    let s = 0;
    for (let k = colPtr[j], kEnd = colPtr[j + 1]; k < kEnd; k++) {
      const i = rowIdx[k];
      const v = values[k];
      if (i === j) {
        s += v * xj;
      } else {
        s += v * x[i];
        y[i] += v * xj;
      }
    }
    y[j] += s;
  }
}

/** Copies a CSC matrix (fresh typed arrays). */
export function cscClone(a: CscMatrix): CscMatrix {
  const nnz = a.colPtr[a.n];
  return {
    m: a.m,
    n: a.n,
    colPtr: Int32Array.from(a.colPtr),
    rowIdx: a.rowIdx.slice(0, nnz),
    values: a.values.slice(0, nnz),
  };
}

/** The transpose as a new CSC matrix (rows sorted). */
export function cscTranspose(a: CscMatrix): CscMatrix {
  const nnz = a.colPtr[a.n];
  const colPtr = new Int32Array(a.m + 1);
  for (let p = 0; p < nnz; p++) colPtr[a.rowIdx[p] + 1]++;
  for (let i = 0; i < a.m; i++) colPtr[i + 1] += colPtr[i];
  const next = colPtr.slice(0, a.m);
  const rowIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let j = 0; j < a.n; j++) {
    for (let p = a.colPtr[j]; p < a.colPtr[j + 1]; p++) {
      const q = next[a.rowIdx[p]]++;
      rowIdx[q] = j;
      values[q] = a.values[p];
    }
  }
  return { m: a.n, n: a.m, colPtr, rowIdx, values };
}
