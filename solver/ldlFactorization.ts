// Sparse LDL' factorisation of a symmetric quasi-definite matrix given by its upper
// triangle in CSC form (the matrix is already permuted by the caller). It follows the
// QDLDL scheme as described in the OSQP paper and in Davis, "Direct Methods for Sparse
// Linear Systems" (2006): a symbolic phase computes the elimination tree and the column
// counts of L once; the numeric phase is an up-looking row-by-row sparse triangular solve
// whose pattern is the reach of each row in the elimination tree, so a new factorisation
// with the same pattern (e.g. after a rho change) reuses all symbolic data and memory.
// Written from the algorithm's description; no code from QDLDL or CSparse was copied.

/** The pattern of the matrix to factor: upper triangle, CSC, diagonal may appear several times (summed). */
export interface UpperPattern {
  n: number;
  colPtr: Int32Array;
  rowIdx: Int32Array;
}

/** Elimination tree (parent) and column counts of L (counts) of the upper pattern. */
function symbolicAnalysis(n: number, colPtr: Int32Array, rowIdx: Int32Array, parent: Int32Array, flag: Int32Array, counts: Int32Array): void {
  for (let k = 0; k < n; k++) {
    parent[k] = -1;
    flag[k] = k;
    for (let p = colPtr[k], pEnd = colPtr[k + 1]; p < pEnd; p++) {
      let i = rowIdx[p];
      if (i > k) throw new Error(`LdlFactorization: entry (${i}, ${k}) lies below the diagonal`);
      while (flag[i] !== k) {
        if (parent[i] === -1) parent[i] = k;
        counts[i]++;
        flag[i] = k;
        i = parent[i];
      }
    }
  }
}

export class LdlFactorization {
  readonly n: number;
  /** elimination tree: parent of each column, -1 for roots */
  readonly parent: Int32Array;
  /** column pointers of the strictly lower unit triangle L */
  readonly lColPtr: Int32Array;
  readonly lRowIdx: Int32Array;
  readonly lValues: Float64Array;
  readonly d: Float64Array;
  readonly dInv: Float64Array;
  /** number of positive pivots of the last numeric factorisation */
  positivePivots = 0;
  private readonly pattern: UpperPattern;
  private readonly flag: Int32Array;
  private readonly fill: Int32Array;
  private readonly work: Float64Array;
  private readonly reach: Int32Array;
  private readonly path: Int32Array;

  constructor(pattern: UpperPattern) {
    const n = pattern.n;
    this.n = n;
    this.pattern = pattern;
    this.parent = new Int32Array(n);
    this.flag = new Int32Array(n);
    const counts = new Int32Array(n);
    symbolicAnalysis(n, pattern.colPtr, pattern.rowIdx, this.parent, this.flag, counts);
    this.lColPtr = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) this.lColPtr[k + 1] = this.lColPtr[k] + counts[k];
    const lnz = this.lColPtr[n];
    this.lRowIdx = new Int32Array(lnz);
    this.lValues = new Float64Array(lnz);
    this.d = new Float64Array(n);
    this.dInv = new Float64Array(n);
    this.fill = new Int32Array(n);
    this.work = new Float64Array(n);
    this.reach = new Int32Array(n);
    this.path = new Int32Array(n);
  }

  /** The factored pattern's column pointers (shared, do not modify). */
  get patternColPtr(): Int32Array {
    return this.pattern.colPtr;
  }

  /** The factored pattern's row indices (shared, do not modify). */
  get patternRowIdx(): Int32Array {
    return this.pattern.rowIdx;
  }

  /** Number of stored entries of L (strictly lower part). */
  get nnzL(): number {
    return this.lColPtr[this.n];
  }

  /** A flop estimate of one numeric factorisation: sum over columns of count^2. */
  get factorFlops(): number {
    let f = 0;
    for (let k = 0; k < this.n; k++) {
      const c = this.lColPtr[k + 1] - this.lColPtr[k];
      f += c * c + c;
    }
    return f;
  }

  /**
   * Numeric phase with the values `values` (aligned with the pattern's entries).
   * Returns false when a pivot is zero or not finite (the matrix is singular).
   */
  factor(values: Float64Array): boolean {
    const n = this.n;
    const { colPtr, rowIdx } = this.pattern;
    const { parent, flag, fill, work, reach, path, lColPtr, lRowIdx, lValues, d, dInv } = this;
    fill.fill(0);
    flag.fill(-1);
    work.fill(0);
    let positive = 0;
    for (let k = 0; k < n; k++) {
      // scatter column k of the upper triangle into work, collect the reach of its rows
      let top = n;
      flag[k] = k;
      let dk = 0;
      for (let p = colPtr[k], pEnd = colPtr[k + 1]; p < pEnd; p++) {
        let i = rowIdx[p];
        if (i === k) {
          dk += values[p];
          continue;
        }
        work[i] += values[p];
        let len = 0;
        while (flag[i] !== k) {
          path[len++] = i;
          flag[i] = k;
          i = parent[i];
        }
        while (len > 0) reach[--top] = path[--len];
      }
      // sparse triangular solve in topological order of the elimination tree
      for (let t = top; t < n; t++) {
        const i = reach[t];
        const wi = work[i];
        work[i] = 0;
        const start = lColPtr[i];
        const end = start + fill[i];
        for (let p = start; p < end; p++) work[lRowIdx[p]] -= lValues[p] * wi;
        const lki = wi * dInv[i];
        dk -= lki * wi;
        lRowIdx[end] = k;
        lValues[end] = lki;
        fill[i]++;
      }
      if (dk === 0 || !Number.isFinite(dk)) {
        this.positivePivots = positive;
        return false;
      }
      if (dk > 0) positive++;
      d[k] = dk;
      dInv[k] = 1 / dk;
    }
    this.positivePivots = positive;
    return true;
  }

  /** Solves L D L' x = b in place (b becomes x). */
  solveInPlace(b: Float64Array): void {
    const { n, lColPtr, lRowIdx, lValues, dInv } = this;
    forwardSubstitution(n, lColPtr, lRowIdx, lValues, b);
    backwardSubstitutionScaled(n, lColPtr, lRowIdx, lValues, dInv, b);
  }
}

// The two triangular phases live in functions of their own so that V8's on-stack
// replacement of one long loop never runs into a following loop without type feedback.

/** b <- L^{-1} b for unit lower L (strictly lower part by columns). */
function forwardSubstitution(n: number, colPtr: Int32Array, rowIdx: Int32Array, values: Float64Array, b: Float64Array): void {
  for (let j = 0; j < n; j++) {
    const bj = b[j];
    const end = colPtr[j + 1];
    for (let p = colPtr[j]; p < end; p++) b[rowIdx[p]] -= values[p] * bj;
  }
}

/** b <- L^{-T} D^{-1} b for unit lower L (strictly lower part by columns); D^{-1} applied on the way. */
function backwardSubstitutionScaled(n: number, colPtr: Int32Array, rowIdx: Int32Array, values: Float64Array, dInv: Float64Array, b: Float64Array): void {
  for (let j = n - 1; j >= 0; j--) {
    let s = b[j] * dInv[j];
    for (let p = colPtr[j], pEnd = colPtr[j + 1]; p < pEnd; p++) s -= values[p] * b[rowIdx[p]];
    b[j] = s;
  }
}
