// The quasi-definite KKT matrix of OSQP's linear system,
//   [ P + xDiag*I      A_S'            ]
//   [ A_S           -diag(rowDiag)     ]
// (A_S: the selected rows of A; for ADMM all rows with rowDiag = 1/rho, for polishing the
// active rows with rowDiag = delta), assembled as an upper triangle in a fill-reducing
// order and kept factored. The pattern, the ordering and the symbolic factorisation are
// computed once; changing the diagonal (a rho update) only rewrites those values and runs
// a new numeric factorisation. Written for this project from the OSQP paper (Stellato et
// al. 2020, section 4); no OSQP code was copied.

import type { CscMatrix } from './types.js';
import { LdlFactorization } from './ldlFactorization.js';
import { invertPermutation, minimumDegreeOrdering } from './minimumDegreeOrdering.js';

// Setup work is split into one function per loop so that V8's on-stack replacement of a
// long loop does not deoptimise on the next, not yet executed, loop.

function identityIndices(len: number): Int32Array {
  const out = new Int32Array(len);
  for (let i = 0; i < len; i++) out[i] = i;
  return out;
}

function selectedEntryCount(at: CscMatrix, selected: Int32Array): number {
  let count = 0;
  for (let t = 0; t < selected.length; t++) count += at.colPtr[selected[t] + 1] - at.colPtr[selected[t]];
  return count;
}

/** Writes the (row, col) of every upper-triangle entry: P, the x diagonal, A_S', the row diagonal. */
function enumerateEntries(p: CscMatrix, at: CscMatrix, selected: Int32Array, er: Int32Array, ec: Int32Array): void {
  const n = p.n;
  const k = selected.length;
  let e = 0;
  for (let j = 0; j < n; j++) {
    for (let q = p.colPtr[j]; q < p.colPtr[j + 1]; q++) {
      if (p.rowIdx[q] > j) throw new Error(`P has an entry below the diagonal at (${p.rowIdx[q]}, ${j}); give the upper triangle only`);
      er[e] = p.rowIdx[q];
      ec[e++] = j;
    }
  }
  for (let j = 0; j < n; j++) {
    er[e] = j;
    ec[e++] = j;
  }
  for (let t = 0; t < k; t++) {
    const i = selected[t];
    for (let q = at.colPtr[i]; q < at.colPtr[i + 1]; q++) {
      er[e] = at.rowIdx[q];
      ec[e++] = n + t;
    }
  }
  for (let t = 0; t < k; t++) {
    er[e] = n + t;
    ec[e++] = n + t;
  }
}

/** The unpermuted pattern by columns, for the ordering. */
function columnPattern(er: Int32Array, ec: Int32Array, size: number): [Int32Array, Int32Array] {
  const total = er.length;
  const cp = new Int32Array(size + 1);
  for (let q = 0; q < total; q++) cp[ec[q] + 1]++;
  for (let j = 0; j < size; j++) cp[j + 1] += cp[j];
  const nx = cp.slice(0, size);
  const ri = new Int32Array(total);
  for (let q = 0; q < total; q++) ri[nx[ec[q]]++] = er[q];
  return [cp, ri];
}

/** The permuted upper triangle and the position of each enumerated entry in it. */
function permutedUpperPattern(er: Int32Array, ec: Int32Array, inv: Int32Array, size: number): { colPtr: Int32Array; rowIdx: Int32Array; pos: Int32Array } {
  const total = er.length;
  const colPtr = new Int32Array(size + 1);
  for (let q = 0; q < total; q++) colPtr[Math.max(inv[er[q]], inv[ec[q]]) + 1]++;
  for (let j = 0; j < size; j++) colPtr[j + 1] += colPtr[j];
  const next = colPtr.slice(0, size);
  const rowIdx = new Int32Array(total);
  const pos = new Int32Array(total);
  for (let q = 0; q < total; q++) {
    const a = inv[er[q]];
    const b = inv[ec[q]];
    const slot = next[Math.max(a, b)]++;
    rowIdx[slot] = Math.min(a, b);
    pos[q] = slot;
  }
  return { colPtr, rowIdx, pos };
}

function scatterStaticValues(p: CscMatrix, at: CscMatrix, selected: Int32Array, posP: Int32Array, posA: Int32Array, values: Float64Array): void {
  const nnzP = p.colPtr[p.n];
  for (let q = 0; q < nnzP; q++) values[posP[q]] = p.values[q];
  let e = 0;
  for (let t = 0; t < selected.length; t++) {
    const i = selected[t];
    for (let q = at.colPtr[i]; q < at.colPtr[i + 1]; q++) values[posA[e++]] = at.values[q];
  }
}

export class KktSystem {
  /** size of the x block */
  readonly n: number;
  /** number of selected constraint rows */
  readonly k: number;
  /** perm[newIndex] = oldIndex over the n + k nodes */
  readonly perm: Int32Array;
  /** inversePerm[oldIndex] = position in the factored (permuted) order */
  readonly inversePerm: Int32Array;
  readonly ldl: LdlFactorization;
  /** numeric factorisations done so far */
  factorizations = 0;
  /** positive pivots expected for a convex problem (= n) matched by the last factorisation */
  inertiaOk = true;
  private readonly values: Float64Array;
  private readonly posP: Int32Array;
  private readonly posXDiag: Int32Array;
  private readonly posA: Int32Array;
  private readonly posRowDiag: Int32Array;
  private readonly buffer: Float64Array;
  private variantLdl: LdlFactorization | null = null;
  private variantValues: Float64Array | null = null;

  /**
   * @param p upper triangle of P (n x n)
   * @param at A transposed (n x m), so each column is a row of A
   * @param rows the selected rows of A, or null for all
   * @param perm an ordering over the n + k nodes, or null to compute one
   */
  constructor(p: CscMatrix, at: CscMatrix, rows: Int32Array | null, perm: Int32Array | null) {
    const n = p.n;
    const selected = rows ?? identityIndices(at.n);
    const k = selected.length;
    this.n = n;
    this.k = k;
    const size = n + k;
    const nnzP = p.colPtr[n];
    const nnzA = selectedEntryCount(at, selected);
    const total = nnzP + n + nnzA + k;
    // entries of the unpermuted upper triangle, in a fixed enumeration
    const er = new Int32Array(total);
    const ec = new Int32Array(total);
    enumerateEntries(p, at, selected, er, ec);
    const ordering = perm ?? minimumDegreeOrdering(size, ...columnPattern(er, ec, size));
    if (ordering.length !== size) throw new Error(`KktSystem: ordering has length ${ordering.length}, expected ${size}`);
    this.perm = ordering;
    const inv = invertPermutation(ordering);
    this.inversePerm = inv;
    const { colPtr, rowIdx, pos } = permutedUpperPattern(er, ec, inv, size);
    this.posP = pos.subarray(0, nnzP);
    this.posXDiag = pos.subarray(nnzP, nnzP + n);
    this.posA = pos.subarray(nnzP + n, nnzP + n + nnzA);
    this.posRowDiag = pos.subarray(nnzP + n + nnzA, total);
    this.values = new Float64Array(total);
    scatterStaticValues(p, at, selected, this.posP, this.posA, this.values);
    this.ldl = new LdlFactorization({ n: size, colPtr, rowIdx });
    this.buffer = new Float64Array(size);
  }

  /**
   * Sets the x-block shift and the (positive) constraint diagonal, -rowDiag[t] on row t,
   * and factors. Returns false when the matrix is singular.
   */
  factor(xDiag: number, rowDiag: Float64Array): boolean {
    for (let j = 0; j < this.n; j++) this.values[this.posXDiag[j]] = xDiag;
    for (let t = 0; t < this.k; t++) this.values[this.posRowDiag[t]] = -rowDiag[t];
    this.factorizations++;
    const ok = this.ldl.factor(this.values);
    this.inertiaOk = ok && this.ldl.positivePivots === this.n;
    return ok;
  }

  /** Solves K s = b in place, b of length n + k in the unpermuted order. */
  solveInPlace(b: Float64Array): void {
    const { perm, buffer } = this;
    const size = perm.length;
    for (let q = 0; q < size; q++) buffer[q] = b[perm[q]];
    this.ldl.solveInPlace(buffer);
    for (let q = 0; q < size; q++) b[perm[q]] = buffer[q];
  }

  /**
   * Factors a variant of this matrix with other diagonals (x-block shift xDiag, row block
   * -rowDiag) into a second numeric factorisation that shares the ordering and the symbolic
   * analysis; the ADMM factorisation is untouched. Returns false when singular or when the
   * inertia is wrong.
   */
  factorVariant(xDiag: number, rowDiag: Float64Array): boolean {
    if (this.variantLdl === null) {
      this.variantLdl = new LdlFactorization({ n: this.perm.length, colPtr: this.ldl.patternColPtr, rowIdx: this.ldl.patternRowIdx });
      this.variantValues = new Float64Array(this.values.length);
    }
    const values = this.variantValues as Float64Array;
    values.set(this.values);
    for (let j = 0; j < this.n; j++) values[this.posXDiag[j]] = xDiag;
    for (let t = 0; t < this.k; t++) values[this.posRowDiag[t]] = -rowDiag[t];
    const ok = this.variantLdl.factor(values);
    return ok && this.variantLdl.positivePivots === this.n;
  }

  /** Solves with the variant factorisation, b of length n + k in the unpermuted order. */
  solveVariantInPlace(b: Float64Array): void {
    if (this.variantLdl === null) throw new Error('KktSystem: no variant factorisation');
    const { perm, buffer } = this;
    const size = perm.length;
    for (let q = 0; q < size; q++) buffer[q] = b[perm[q]];
    this.variantLdl.solveInPlace(buffer);
    for (let q = 0; q < size; q++) b[perm[q]] = buffer[q];
  }

  /** Solves K s = b in place for b already in the factored order (see inversePerm). */
  solvePermutedInPlace(b: Float64Array): void {
    this.ldl.solveInPlace(b);
  }
}
