// Test helper: HiGHS (npm `highs`, interior point / active set QP) as an independent QP backend
// for cross-checking the model against the project's solver. Load once with `loadHighsBackend()`.
import * as highsModule from 'highs';
import type { QpBackend, QpOutcome } from '../../model/qpBackend.js';
import type { CscMatrix, QpProblem } from '../../solver/types.js';

/** Upper-triangular CSC to lower-triangular CSC (the transpose). */
function upperToLower(P: CscMatrix): { starts: Int32Array; indices: Int32Array; values: Float64Array } {
  const n = P.n;
  const count = new Int32Array(n + 1);
  for (let k = 0; k < P.rowIdx.length; k++) count[P.rowIdx[k] + 1]++;
  for (let c = 0; c < n; c++) count[c + 1] += count[c];
  const next = Int32Array.from(count);
  const indices = new Int32Array(P.rowIdx.length);
  const values = new Float64Array(P.rowIdx.length);
  for (let c = 0; c < n; c++)
    for (let k = P.colPtr[c]; k < P.colPtr[c + 1]; k++) {
      const r = P.rowIdx[k];
      const pos = next[r]++;
      indices[pos] = c;
      values[pos] = P.values[k];
    }
  return { starts: count, indices, values };
}

/** Lower CSC plus delta on the diagonal (entries inserted where the diagonal is absent). */
function withDiagonal(lower: { starts: Int32Array; indices: Int32Array; values: Float64Array }, n: number, delta: number) {
  const starts = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let c = 0; c < n; c++) {
    const a = lower.starts[c];
    const b = lower.starts[c + 1];
    if (a < b && lower.indices[a] === c) {
      indices.push(c);
      values.push(lower.values[a] + delta);
      for (let k = a + 1; k < b; k++) {
        indices.push(lower.indices[k]);
        values.push(lower.values[k]);
      }
    } else {
      indices.push(c);
      values.push(delta);
      for (let k = a; k < b; k++) {
        indices.push(lower.indices[k]);
        values.push(lower.values[k]);
      }
    }
    starts[c + 1] = indices.length;
  }
  return { starts, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

export async function loadHighsBackend(): Promise<QpBackend> {
  // the package is CommonJS with an ESM build; take the loader from whichever shape arrives
  type Loader = () => Promise<import("highs").Highs>;
  const mod = highsModule as unknown as { default: Loader | { default: Loader } };
  const loader = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const highs = await loader();
  const inf = highs.infinity;
  const clip = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
  return (p: QpProblem) => {
    const n = p.q.length;
    const lower = upperToLower(p.P);
    // rows with one coefficient become column bounds (HiGHS's active-set QP copes badly with
    // thousands of singleton rows over free columns); the other rows are passed as they are
    const colLower = new Float64Array(n).fill(-Infinity);
    const colUpper = new Float64Array(n).fill(Infinity);
    const rowCount = new Int32Array(p.l.length);
    for (let k = 0; k < p.A.rowIdx.length; k++) rowCount[p.A.rowIdx[k]]++;
    const keep = new Int32Array(p.l.length).fill(-1);
    let kept = 0;
    for (let r = 0; r < p.l.length; r++) if (rowCount[r] !== 1) keep[r] = kept++;
    const starts = new Int32Array(n + 1);
    const indices: number[] = [];
    const values: number[] = [];
    for (let c = 0; c < n; c++) {
      for (let k = p.A.colPtr[c]; k < p.A.colPtr[c + 1]; k++) {
        const r = p.A.rowIdx[k];
        const v = p.A.values[k];
        if (rowCount[r] === 1) {
          const a = p.l[r] / v;
          const b = p.u[r] / v;
          colLower[c] = Math.max(colLower[c], Math.min(a, b));
          colUpper[c] = Math.min(colUpper[c], Math.max(a, b));
        } else {
          indices.push(keep[r]);
          values.push(v);
        }
      }
      starts[c + 1] = indices.length;
    }
    const rowLower = new Float64Array(kept);
    const rowUpper = new Float64Array(kept);
    for (let r = 0; r < p.l.length; r++)
      if (keep[r] >= 0) {
        rowLower[keep[r]] = clip(p.l[r]);
        rowUpper[keep[r]] = clip(p.u[r]);
      }
    const build = (h: { starts: Int32Array; indices: Int32Array; values: Float64Array }) => highs.createModel({
      numCols: n,
      numRows: kept,
      colCost: p.q,
      colLower: Float64Array.from(colLower, clip),
      colUpper: Float64Array.from(colUpper, clip),
      rowLower,
      rowUpper,
      matrix: { format: 'csc', numRows: kept, numCols: n, starts, indices: Int32Array.from(indices), values: Float64Array.from(values) },
      hessian: { format: 'triangular', dimension: n, starts: h.starts, indices: h.indices, values: h.values },
    });
    // HiGHS 1.15.3's active-set QP sometimes fails ("run failed with status -1", model status
    // notSet) on these degenerate problems; a 1e-9 diagonal regularisation (objective change of
    // order 1e-9 * ||x||^2, far below the tests' tolerances) lets it through
    for (const delta of [0, 1e-9, 1e-7]) {
      try {
        return solveWith(build(delta === 0 ? lower : withDiagonal(lower, n, delta)));
      } catch (e) {
        if (delta === 1e-7) throw e;
      }
    }
    throw new Error('unreachable');
  };
  function solveWith(model: ReturnType<typeof highs.createModel>): QpOutcome {
    try {
      model.options.set({ output_flag: process.env.HIGHS_LOG === "1", log_to_console: process.env.HIGHS_LOG === "1" });
      try {
        model.run();
      } catch {
        // the active-set QP occasionally fails after presolve; rerun without it
        model.options.set({ presolve: 'off' });
        try {
          model.run();
        } catch (e) {
          if (process.env.HIGHS_LOG === '1') console.error('highs status', model.getModelStatus(), (e as Error).message);
          throw e;
        }
      }
      const status = model.getModelStatus();
      const sol = model.getSolution();
      const x = Float64Array.from(sol.colValue as ArrayLike<number>);
      const ok = status === highs.constants.modelStatus.optimal;
      const infeasible = status === highs.constants.modelStatus.infeasible;
      return {
        status: ok ? 'solved' : infeasible ? 'primal_infeasible' : 'solved_inaccurate',
        x,
        objective: model.getObjectiveValue(),
        iterations: 0,
      };
    } finally {
      model.dispose();
    }
  };
}
