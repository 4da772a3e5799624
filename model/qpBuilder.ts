// Incremental builder of a QP in the solver's form (minimise 1/2 x'Px + q'x + constant subject to
// l <= Ax <= u): variables and rows are appended, matrix entries collected as triplets, and
// `toProblem` compresses them to CSC (duplicates summed, P kept as its upper triangle).
// Variable bounds are rows of A (the solver has no separate column bounds).
import type { CscMatrix, QpProblem } from '../solver/types.js';

export class QpBuilder {
  private nVars = 0;
  private nRows = 0;
  private readonly pRow: number[] = [];
  private readonly pCol: number[] = [];
  private readonly pVal: number[] = [];
  private readonly q: number[] = [];
  private readonly aRow: number[] = [];
  private readonly aCol: number[] = [];
  private readonly aVal: number[] = [];
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];
  /** constant added to the objective (not passed to the solver) */
  constant = 0;

  get variableCount(): number {
    return this.nVars;
  }

  get rowCount(): number {
    return this.nRows;
  }

  /** Append `count` variables (linear cost 0); returns the first index. */
  addVariables(count: number): number {
    const first = this.nVars;
    for (let k = 0; k < count; k++) this.q.push(0);
    this.nVars += count;
    return first;
  }

  /** Add v * x_i * x_j to 1/2 x'Px (i.e. P[i][j] += v; for i = j that is v/2 * x_i^2). */
  addQuadratic(i: number, j: number, v: number): void {
    if (v === 0) return;
    this.pRow.push(Math.min(i, j));
    this.pCol.push(Math.max(i, j));
    this.pVal.push(v);
  }

  /** Add v * x_i to the objective. */
  addLinear(i: number, v: number): void {
    this.q[i] += v;
  }

  /** Append the row lo <= sum_k vals[k] * x[cols[k]] <= hi; returns its index. */
  addRow(cols: readonly number[], vals: readonly number[], lo: number, hi: number): number {
    const r = this.nRows++;
    for (let k = 0; k < cols.length; k++) {
      if (vals[k] === 0) continue;
      this.aRow.push(r);
      this.aCol.push(cols[k]);
      this.aVal.push(vals[k]);
    }
    this.lo.push(lo);
    this.hi.push(hi);
    return r;
  }

  /** Append the bound row lo <= x_i <= hi. */
  addBound(i: number, lo: number, hi: number): number {
    return this.addRow([i], [1], lo, hi);
  }

  toProblem(): QpProblem {
    return {
      P: toCsc(this.nVars, this.nVars, this.pRow, this.pCol, this.pVal),
      q: Float64Array.from(this.q),
      A: toCsc(this.nRows, this.nVars, this.aRow, this.aCol, this.aVal),
      l: Float64Array.from(this.lo),
      u: Float64Array.from(this.hi),
    };
  }
}

/** Triplets to CSC with sorted row indices and duplicates summed (exact zeros kept out). */
export function toCsc(m: number, n: number, rows: readonly number[], cols: readonly number[], vals: readonly number[]): CscMatrix {
  const count = new Int32Array(n + 1);
  for (const c of cols) count[c + 1]++;
  for (let c = 0; c < n; c++) count[c + 1] += count[c];
  const next = Int32Array.from(count);
  const order = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) order[next[cols[k]]++] = k;
  const colPtr = new Int32Array(n + 1);
  const rowIdx: number[] = [];
  const values: number[] = [];
  for (let c = 0; c < n; c++) {
    const slice = Array.from(order.subarray(count[c], count[c + 1])).sort((a, b) => rows[a] - rows[b] || a - b);
    for (const k of slice) {
      const r = rows[k];
      if (rowIdx.length > colPtr[c] && rowIdx[rowIdx.length - 1] === r) values[values.length - 1] += vals[k];
      else {
        rowIdx.push(r);
        values.push(vals[k]);
      }
    }
    colPtr[c + 1] = rowIdx.length;
  }
  return { m, n, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) };
}
