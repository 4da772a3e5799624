// Tests of QpSolver against HiGHS on seeded random convex QPs, infeasibility detection,
// warm starts, factorisation reuse, limits, non-convexity and determinism.

import assert from 'node:assert/strict';
import { QpSolver, cscFromDense, cscMultiply, cscMultiplySymmetricUpper, cscMultiplyTransposed, describeStatus, solveQp } from '../../solver/index.js';
import type { QpProblem } from '../../solver/index.js';
import { solveWithHighs } from './highsReference.js';
import { prosumerLikeQp } from './prosumerLikeQp.js';
import { randomConvexQp } from './randomConvexQp.js';

const tight = { epsAbs: 1e-7, epsRel: 1e-7 };

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe('solver: QpSolver against HiGHS on random convex QPs', () => {
  for (const [n, seed] of [[5, 1], [8, 2], [12, 3], [16, 4], [20, 5], [25, 6], [30, 7], [10, 8]] as const) {
    it(`n = ${n}, seed ${seed}: objective and solution to 1e-6 relative after polishing`, async () => {
      const problem = randomConvexQp(n, seed);
      const ref = await solveWithHighs(problem);
      assert.equal(ref.status, 'Optimal');
      const res = solveQp(problem, tight);
      assert.equal(res.status, 'solved', describeStatus(res.status));
      assert.equal(res.polished, true, 'polishing should succeed on a strictly convex QP');
      assert.ok(relDiff(res.objective, ref.objective) < 1e-6, `objective ${res.objective} vs HiGHS ${ref.objective}`);
      const scale = Math.max(1, ...Array.from(ref.x, Math.abs));
      for (let j = 0; j < n; j++) assert.ok(Math.abs(res.x[j] - ref.x[j]) / scale < 1e-6, `x[${j}] = ${res.x[j]} vs ${ref.x[j]}`);
      // KKT conditions of the returned pair, independent of HiGHS
      const { P, q, A, l, u } = problem;
      const px = new Float64Array(n), aty = new Float64Array(n), ax = new Float64Array(A.m);
      cscMultiplySymmetricUpper(P, res.x, px);
      cscMultiplyTransposed(A, res.y, aty);
      cscMultiply(A, res.x, ax);
      for (let j = 0; j < n; j++) assert.ok(Math.abs(px[j] + q[j] + aty[j]) < 1e-6, `stationarity at ${j}`);
      for (let i = 0; i < A.m; i++) {
        assert.ok(ax[i] >= l[i] - 1e-6 && ax[i] <= u[i] + 1e-6, `row ${i} feasible`);
        if (res.y[i] > 1e-7) assert.ok(Math.abs(ax[i] - u[i]) < 1e-6, `row ${i}: y > 0 needs Ax = u`);
        if (res.y[i] < -1e-7) assert.ok(Math.abs(ax[i] - l[i]) < 1e-6, `row ${i}: y < 0 needs Ax = l`);
      }
    });
  }
});

describe('solver: infeasibility detection', () => {
  it('detects primal infeasibility and returns a valid certificate', () => {
    // x0 + x1 >= 3 with 0 <= x0, x1 <= 1
    const problem: QpProblem = {
      P: cscFromDense([[1, 0], [0, 1]]),
      q: Float64Array.from([1, -1]),
      A: cscFromDense([[1, 1], [1, 0], [0, 1]]),
      l: Float64Array.from([3, 0, 0]),
      u: Float64Array.from([Infinity, 1, 1]),
    };
    const res = solveQp(problem);
    assert.equal(res.status, 'primal_infeasible');
    const y = res.primalInfeasibilityCertificate;
    assert.ok(y, 'certificate present');
    const aty = new Float64Array(2);
    cscMultiplyTransposed(problem.A, y, aty);
    for (const v of aty) assert.ok(Math.abs(v) < 1e-4);
    let support = 0;
    for (let i = 0; i < 3; i++) support += y[i] > 0 ? problem.u[i] * y[i] : y[i] < 0 ? problem.l[i] * y[i] : 0;
    assert.ok(support < 0, `support ${support} must be negative`);
    assert.ok(res.x.every((v) => Number.isNaN(v)));
  });

  it('detects dual infeasibility (unboundedness) and returns a valid direction', () => {
    // minimise x0^2 - x1 subject to x0 + x1 >= 0 (x1 can grow without limit)
    const problem: QpProblem = {
      P: cscFromDense([[2, 0], [0, 0]]),
      q: Float64Array.from([0, -1]),
      A: cscFromDense([[1, 1], [1, 0]]),
      l: Float64Array.from([0, -1]),
      u: Float64Array.from([Infinity, 1]),
    };
    const res = solveQp(problem);
    assert.equal(res.status, 'dual_infeasible');
    const d = res.dualInfeasibilityCertificate;
    assert.ok(d, 'certificate present');
    const pd = new Float64Array(2), ad = new Float64Array(2);
    cscMultiplySymmetricUpper(problem.P, d, pd);
    cscMultiply(problem.A, d, ad);
    assert.ok(Math.abs(pd[0]) < 1e-4 && Math.abs(pd[1]) < 1e-4);
    assert.ok(problem.q[0] * d[0] + problem.q[1] * d[1] < 0);
    assert.ok(ad[0] > -1e-4, 'A d in the recession cone of a one-sided row');
    assert.ok(Math.abs(ad[1]) < 1e-4, 'A d in the recession cone of a two-sided row');
  });

  it('detects infeasibility of a prosumer-sized QP (impossible shiftable-load total)', () => {
    const problem = prosumerLikeQp(24, 9, 6);
    const l = Float64Array.from(problem.l);
    const u = Float64Array.from(problem.u);
    const last = problem.A.m - 1; // the shiftable-load total row
    l[last] = u[last] = 1000;
    const res = solveQp({ ...problem, l, u });
    assert.equal(res.status, 'primal_infeasible');
    assert.ok(res.primalInfeasibilityCertificate);
    // the same solver with the real total is solvable again after updateBounds
    const solver = new QpSolver({ ...problem, l, u });
    assert.equal(solver.solve().status, 'primal_infeasible');
    solver.updateBounds(problem.l, problem.u);
    assert.equal(solver.solve().status, 'solved');
  });

  it('detects infeasibility of a random QP with contradictory rows', () => {
    const base = randomConvexQp(12, 21);
    // duplicate row 0 with a disjoint interval
    const row0: number[] = [];
    const cols: number[] = [];
    for (let j = 0; j < 12; j++) for (let p = base.A.colPtr[j]; p < base.A.colPtr[j + 1]; p++) if (base.A.rowIdx[p] === 0) { row0.push(base.A.values[p]); cols.push(j); }
    const dense = Array.from({ length: base.A.m + 1 }, () => new Array<number>(12).fill(0));
    for (let j = 0; j < 12; j++) for (let p = base.A.colPtr[j]; p < base.A.colPtr[j + 1]; p++) dense[base.A.rowIdx[p]][j] = base.A.values[p];
    cols.forEach((j, k) => (dense[base.A.m][j] = row0[k]));
    const l = Float64Array.from([...base.l, base.u[0] + 1]);
    const u = Float64Array.from([...base.u, base.u[0] + 2]);
    const res = solveQp({ ...base, A: cscFromDense(dense), l, u });
    assert.equal(res.status, 'primal_infeasible');
  });
});

describe('solver: warm start, updates and factorisation reuse', () => {
  it('a warm start cuts iterations on a perturbed problem', () => {
    const problem = prosumerLikeQp(24, 9, 5);
    const first = solveQp(problem);
    assert.equal(first.status, 'solved');
    const q2 = Float64Array.from(problem.q);
    for (let j = 0; j < q2.length; j++) q2[j] *= 1 + 0.01 * Math.sin(j);
    const perturbed = { ...problem, q: q2 };
    const cold = new QpSolver(perturbed).solve();
    const warmSolver = new QpSolver(perturbed);
    warmSolver.warmStart(first.x, first.y);
    const warm = warmSolver.solve();
    assert.equal(cold.status, 'solved');
    assert.equal(warm.status, 'solved');
    assert.ok(warm.iterations < cold.iterations, `warm ${warm.iterations} vs cold ${cold.iterations}`);
    assert.ok(relDiff(warm.objective, cold.objective) < 1e-3);
  });

  it('updating the linear term or the bounds reuses the factorisation', () => {
    const problem = randomConvexQp(15, 11);
    const solver = new QpSolver(problem, { adaptiveRho: false, ...tight });
    assert.equal(solver.factorizationCount, 1);
    const r1 = solver.solve();
    assert.equal(r1.status, 'solved');
    assert.equal(solver.factorizationCount, 1);
    const q2 = Float64Array.from(problem.q, (v, j) => v + 0.1 * Math.cos(j));
    solver.updateLinearCost(q2);
    const r2 = solver.solve();
    assert.equal(r2.status, 'solved');
    assert.equal(r2.factorizations, 0);
    assert.equal(solver.factorizationCount, 1);
    // the updated solve matches a fresh solve of the updated problem
    const fresh = solveQp({ ...problem, q: q2 }, tight);
    assert.ok(relDiff(r2.objective, fresh.objective) < 1e-6);
    // bounds keep their kinds: no refactorisation
    const l2 = Float64Array.from(problem.l, (v, i) => (v === problem.u[i] ? v : v - 0.05));
    solver.updateBounds(l2, problem.u);
    solver.solve();
    assert.equal(solver.factorizationCount, 1);
    // an inequality row becoming an equality changes its rho: one refactorisation
    const l3 = Float64Array.from(problem.l);
    const u3 = Float64Array.from(problem.u);
    const i = problem.A.m - 1;
    l3[i] = u3[i] = (problem.l[i] + problem.u[i]) / 2;
    solver.updateBounds(l3, u3);
    assert.equal(solver.factorizationCount, 2);
  });

  it('adaptive rho refactors only when rho changes', () => {
    const problem = prosumerLikeQp(24, 9, 2);
    const solver = new QpSolver(problem);
    const r = solver.solve();
    assert.equal(r.status, 'solved');
    // every refactorisation changed rho by more than the tolerance, so there are at most
    // as many as rho-update points
    assert.ok(r.factorizations <= Math.floor(r.iterations / solver.adaptiveRhoInterval));
    assert.equal(r.factorizations > 0, r.rho !== 0.1);
  });
});

describe('solver: limits, non-convexity, determinism, input checks', () => {
  it('reports max_iterations and time_limit distinctly', () => {
    const problem = prosumerLikeQp(24, 9, 3);
    const it = solveQp(problem, { maxIterations: 3 });
    assert.equal(it.status, 'max_iterations');
    assert.equal(it.iterations, 3);
    const tl = solveQp(problem, { timeLimitMs: 1e-6, maxIterations: 1e6 });
    assert.equal(tl.status, 'time_limit');
    assert.ok(tl.iterations < 1e6);
    assert.notEqual(describeStatus(it.status), describeStatus(tl.status));
  });

  it('reports a non-convex P', () => {
    const res = solveQp({
      P: cscFromDense([[-1, 0], [0, 1]]),
      q: Float64Array.from([0, 0]),
      A: cscFromDense([[1, 0], [0, 1]]),
      l: Float64Array.from([-1, -1]),
      u: Float64Array.from([1, 1]),
    });
    assert.equal(res.status, 'non_convex');
  });

  it('is deterministic: the same input gives bit-identical output', () => {
    const problem = prosumerLikeQp(24, 9, 4);
    const a = solveQp(problem);
    const b = solveQp(problem);
    assert.deepEqual(Buffer.from(a.x.buffer), Buffer.from(b.x.buffer));
    assert.deepEqual(Buffer.from(a.y.buffer), Buffer.from(b.y.buffer));
    assert.equal(a.iterations, b.iterations);
    assert.equal(a.objective, b.objective);
  });

  it('rejects entries of P below the diagonal and inconsistent bounds', () => {
    const A = cscFromDense([[1, 0]]);
    assert.throws(() => solveQp({ P: cscFromDense([[1, 0], [1, 1]]), q: new Float64Array(2), A, l: Float64Array.from([0]), u: Float64Array.from([1]) }), /below the diagonal/);
    assert.throws(() => solveQp({ P: cscFromDense([[1, 0], [0, 1]]), q: new Float64Array(2), A, l: Float64Array.from([2]), u: Float64Array.from([1]) }), /exceeds/);
  });
});
