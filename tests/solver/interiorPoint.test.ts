// The interior-point QP solver (solver/interiorPoint.ts): against HiGHS on seeded random
// convex QPs and LPs, against the ADMM solver on prosumer-like QPs (objective, unique trades,
// multipliers with OSQP's sign convention), infeasibility and unboundedness, equality-only
// and free rows, determinism, settings checks, and against Clarabel (Python reference,
// skipped loudly without python3 and its modules).

import assert from 'node:assert/strict';
import {
  cscFromDense,
  cscFromTriplets,
  cscMultiply,
  cscMultiplyTransposed,
  InteriorPointSolver,
  solveQp,
  solveQpInteriorPoint,
} from '../../solver/index.js';
import type { QpProblem } from '../../solver/types.js';
import { solveWithHighs } from './highsReference.js';
import { prosumerLikeQp } from './prosumerLikeQp.js';
import { pythonReferenceUnavailableReason, runPythonReference, warnPythonMissing } from './pythonReference.js';
import { randomConvexQp } from './randomConvexQp.js';

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

/** Largest bound violation of A x against [l, u]. */
function boundViolation(problem: QpProblem, x: Float64Array): number {
  const ax = new Float64Array(problem.A.m);
  cscMultiply(problem.A, x, ax);
  let v = 0;
  for (let i = 0; i < ax.length; i++) v = Math.max(v, problem.l[i] - ax[i], ax[i] - problem.u[i]);
  return v;
}

describe('solver: interior point against HiGHS', () => {
  for (const [n, seed] of [[10, 1], [20, 2], [30, 3], [40, 4], [25, 5], [35, 6]] as const) {
    it(`random convex QP n = ${n} (seed ${seed}): objective and x agree to 1e-6`, async () => {
      const problem = randomConvexQp(n, seed);
      const ours = solveQpInteriorPoint(problem);
      const ref = await solveWithHighs(problem);
      assert.equal(ours.status, 'solved');
      assert.equal(ref.status, 'Optimal');
      assert.ok(rel(ours.objective, ref.objective) < 1e-6, `objective ${ours.objective} vs HiGHS ${ref.objective}`);
      for (let j = 0; j < n; j++) {
        assert.ok(Math.abs(ours.x[j] - ref.x[j]) <= 1e-6 * Math.max(1, Math.abs(ref.x[j])), `x[${j}] ${ours.x[j]} vs ${ref.x[j]}`);
      }
      assert.ok(boundViolation(problem, ours.x) < 1e-8);
      assert.ok(ours.iterations < 40, `${ours.iterations} iterations`);
      assert.ok(ours.dualityGap <= ours.epsGap);
    });
  }

  for (const seed of [7, 8, 9]) {
    it(`random LP (P = 0, seed ${seed}): optimal objective agrees to 1e-6`, async () => {
      const base = randomConvexQp(30, seed);
      const problem = { ...base, P: cscFromTriplets(30, 30, [], [], []) };
      const ours = solveQpInteriorPoint(problem);
      const ref = await solveWithHighs(problem);
      assert.equal(ours.status, 'solved');
      assert.ok(rel(ours.objective, ref.objective) < 1e-6, `objective ${ours.objective} vs HiGHS ${ref.objective}`);
      assert.ok(boundViolation(problem, ours.x) < 1e-8);
    });
  }
});

describe('solver: interior point against the ADMM solver', () => {
  for (const [T, partners] of [[24, 9], [24, 99], [168, 9], [168, 0]] as const) {
    it(`prosumer-like QP, T = ${T}, ${partners || 'aggregated'} partners: objective and trades agree`, () => {
      const problem = prosumerLikeQp(T, partners, 1);
      const ipm = solveQpInteriorPoint(problem);
      const admm = solveQp(problem, { epsAbs: 1e-8, epsRel: 1e-8, maxIterations: 50000 });
      assert.equal(ipm.status, 'solved');
      assert.equal(admm.status, 'solved');
      assert.ok(rel(ipm.objective, admm.objective) < 1e-7, `interior point ${ipm.objective} vs ADMM ${admm.objective}`);
      assert.ok(boundViolation(problem, ipm.x) < 1e-8);
      const trades = partners || 1;
      let worst = 0;
      for (let t = 0; t < T; t++) {
        for (let k = 0; k < trades; k++) {
          const j = t * problem.perSlot + 10 + k;
          worst = Math.max(worst, Math.abs(ipm.x[j] - admm.x[j]));
        }
      }
      assert.ok(worst < 1e-4, `largest trade difference ${worst}`);
      assert.ok(ipm.iterations <= 40, `${ipm.iterations} iterations`);
    });
  }

  it('multipliers follow OSQP sign convention and match ADMM on a nondegenerate QP', () => {
    const problem = randomConvexQp(20, 12);
    const ipm = solveQpInteriorPoint(problem);
    const admm = solveQp(problem, { epsAbs: 1e-10, epsRel: 1e-10, maxIterations: 100000 });
    assert.equal(ipm.status, 'solved');
    assert.equal(admm.status, 'solved');
    const ax = new Float64Array(problem.A.m);
    cscMultiply(problem.A, ipm.x, ax);
    let active = 0;
    for (let i = 0; i < problem.A.m; i++) {
      assert.ok(Math.abs(ipm.y[i] - admm.y[i]) < 1e-5 * Math.max(1, Math.abs(admm.y[i])), `y[${i}] ${ipm.y[i]} vs ADMM ${admm.y[i]}`);
      if (problem.l[i] === problem.u[i]) continue;
      // y > 0 only at the upper bound, y < 0 only at the lower one
      if (ipm.y[i] > 1e-6) { assert.ok(Math.abs(ax[i] - problem.u[i]) < 1e-6); active++; }
      if (ipm.y[i] < -1e-6) { assert.ok(Math.abs(ax[i] - problem.l[i]) < 1e-6); active++; }
    }
    assert.ok(active > 0, 'some inequality is active');
    // stationarity P x + q + A'y = 0 on the original problem
    const aty = new Float64Array(20);
    cscMultiplyTransposed(problem.A, ipm.y, aty);
    const px = new Float64Array(20);
    for (let j = 0; j < 20; j++) for (let p = problem.P.colPtr[j]; p < problem.P.colPtr[j + 1]; p++) {
      const i = problem.P.rowIdx[p];
      px[i] += problem.P.values[p] * ipm.x[j];
      if (i !== j) px[j] += problem.P.values[p] * ipm.x[i];
    }
    for (let j = 0; j < 20; j++) assert.ok(Math.abs(px[j] + problem.q[j] + aty[j]) < 1e-7, `stationarity at ${j}`);
  });
});

describe('solver: interior point, special cases', () => {
  it('reports a primal infeasible prosumer-sized QP (impossible shiftable-load total) with a certificate', () => {
    const problem = prosumerLikeQp(24, 9, 6);
    const l = Float64Array.from(problem.l);
    const u = Float64Array.from(problem.u);
    const last = problem.A.m - 1;
    l[last] = u[last] = 1000;
    const res = solveQpInteriorPoint({ ...problem, l, u });
    assert.equal(res.status, 'primal_infeasible');
    const y = res.primalInfeasibilityCertificate;
    assert.ok(y);
    const aty = new Float64Array(problem.P.n);
    cscMultiplyTransposed(problem.A, y, aty);
    assert.ok(aty.every((v) => Math.abs(v) < 1e-6), "A'y ~ 0");
    let support = 0;
    for (let i = 0; i < y.length; i++) support += y[i] > 0 ? u[i] * y[i] : y[i] < 0 ? l[i] * y[i] : 0;
    assert.ok(support < 0, `support ${support}`);
    assert.ok(res.x.every((v) => Number.isNaN(v)));
  });

  it('reports contradictory rows as primal infeasible, never solved', () => {
    const problem: QpProblem = {
      P: cscFromDense([[1, 0], [0, 1]]),
      q: Float64Array.from([1, -1]),
      A: cscFromDense([[1, 1], [1, 0], [0, 1]]),
      l: Float64Array.from([1, -Infinity, -Infinity]),
      u: Float64Array.from([Infinity, 0, 0]),
    };
    const res = solveQpInteriorPoint(problem);
    assert.notEqual(res.status, 'solved');
    assert.equal(res.status, 'primal_infeasible');
  });

  it('reports an unbounded QP as dual infeasible with a descent ray', () => {
    // minimise x0^2 - x1 subject to x0 + x1 >= 0, -1 <= x0 <= 1
    const problem: QpProblem = {
      P: cscFromDense([[2, 0], [0, 0]]),
      q: Float64Array.from([0, -1]),
      A: cscFromDense([[1, 1], [1, 0]]),
      l: Float64Array.from([0, -1]),
      u: Float64Array.from([Infinity, 1]),
    };
    const res = solveQpInteriorPoint(problem);
    assert.equal(res.status, 'dual_infeasible');
    const d = res.dualInfeasibilityCertificate;
    assert.ok(d);
    assert.ok(problem.q[0] * d[0] + problem.q[1] * d[1] < 0);
    assert.ok(Math.abs(d[0]) < 1e-4);
  });

  it('solves an equality-only QP in one Newton step and ignores free rows', () => {
    // minimise x0^2 + x1^2 + x0 + x1 subject to x0 + x1 = 1; row 2 free
    const problem: QpProblem = {
      P: cscFromDense([[2, 0], [0, 2]]),
      q: Float64Array.from([1, 1]),
      A: cscFromDense([[1, 1], [1, -1]]),
      l: Float64Array.from([1, -Infinity]),
      u: Float64Array.from([1, Infinity]),
    };
    const res = solveQpInteriorPoint(problem);
    assert.equal(res.status, 'solved');
    assert.ok(res.iterations <= 2);
    assert.ok(Math.abs(res.x[0] - 0.5) < 1e-9 && Math.abs(res.x[1] - 0.5) < 1e-9);
    assert.ok(Math.abs(res.y[0] + 2) < 1e-9, `y ${res.y[0]}`);
    assert.equal(res.y[1], 0);
  });

  it('is deterministic: two solves give bit-identical results', () => {
    const problem = prosumerLikeQp(24, 9, 3);
    const a = solveQpInteriorPoint(problem);
    const solver = new InteriorPointSolver(problem);
    const b = solver.solve();
    const c = solver.solve();
    assert.deepEqual(Array.from(a.x), Array.from(b.x));
    assert.deepEqual(Array.from(b.y), Array.from(c.y));
    assert.equal(a.iterations, c.iterations);
    assert.equal(b.factorizations, c.factorizations);
  });

  it('stops at the iteration limit without claiming a solution', () => {
    const res = solveQpInteriorPoint(prosumerLikeQp(24, 9, 2), { maxIterations: 3 });
    assert.equal(res.status, 'max_iterations');
    assert.equal(res.iterations, 3);
    assert.equal(res.limitReached, 'iterations');
  });

  it('rejects bad settings and malformed input', () => {
    const problem = randomConvexQp(5, 1);
    assert.throws(() => solveQpInteriorPoint(problem, { stepFraction: 1 }), /stepFraction/);
    assert.throws(() => solveQpInteriorPoint(problem, { maxIterations: 0 }), /maxIterations/);
    assert.throws(() => solveQpInteriorPoint({ ...problem, q: new Float64Array(4) }), /q has length/);
    const l = Float64Array.from(problem.l);
    l[0] = problem.u[0] + 1;
    assert.throws(() => solveQpInteriorPoint({ ...problem, l }), /exceeds/);
  });
});

describe('solver: interior point against Clarabel (Python reference)', function () {
  before(function () {
    const reason = pythonReferenceUnavailableReason();
    if (reason !== null) {
      warnPythonMissing('tests/solver/interiorPoint.test.ts (comparison with Clarabel)', reason);
      this.skip();
    }
  });

  for (const [T, partners] of [[24, 9], [168, 9]] as const) {
    it(`prosumer-like QP, T = ${T}, ${partners} partners: objective to 1e-8`, () => {
      const problem = prosumerLikeQp(T, partners, 4);
      const ours = solveQpInteriorPoint(problem);
      const ref = runPythonReference(problem, { eps: 1e-5 });
      assert.equal(ours.status, 'solved');
      assert.equal(ref.clarabel.status, 'Solved');
      assert.ok(rel(ours.objective, ref.clarabel.obj) < 1e-8, `ours ${ours.objective} vs Clarabel ${ref.clarabel.obj}`);
    });
  }

  for (const seed of [41, 42]) {
    it(`random convex QP (seed ${seed}): x agrees to 1e-6`, () => {
      const problem = randomConvexQp(30, seed);
      const ours = solveQpInteriorPoint(problem);
      const ref = runPythonReference(problem, { eps: 1e-6 });
      assert.equal(ours.status, 'solved');
      assert.ok(rel(ours.objective, ref.clarabel.obj) < 1e-8);
      for (let j = 0; j < 30; j++) assert.ok(Math.abs(ours.x[j] - (ref.clarabel.x[j] as number)) < 1e-6, `x[${j}]`);
    });
  }
});
