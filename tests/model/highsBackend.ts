// Test helper: HiGHS (npm `highs`, interior point / active set QP) as an independent QP backend
// for cross-checking the model against the project's solver. Load once with `loadHighsBackend()`.
import * as highsModule from 'highs';
import type { QpBackend } from '../../model/qpBackend.js';
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
    const model = highs.createModel({
      numCols: n,
      numRows: p.l.length,
      colCost: p.q,
      colLower: new Float64Array(n).fill(-inf),
      colUpper: new Float64Array(n).fill(inf),
      rowLower: Float64Array.from(p.l, clip),
      rowUpper: Float64Array.from(p.u, clip),
      matrix: { format: 'csc', numRows: p.A.m, numCols: n, starts: p.A.colPtr, indices: p.A.rowIdx, values: p.A.values },
      hessian: { format: 'triangular', dimension: n, starts: lower.starts, indices: lower.indices, values: lower.values },
    });
    try {
      model.options.set({ output_flag: false });
      model.run();
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
