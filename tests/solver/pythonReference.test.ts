// Compares QpSolver with OSQP 1.0.4 (C) and Clarabel 0.11.1 (Rust interior point) from
// PyPI, run through tests/reference/qp_reference.py, on prosumer-sized QPs and random
// QPs. Skipped, with a loud banner, where python3 or the modules are missing (CI has them).

import assert from 'node:assert/strict';
import { solveQp } from '../../solver/index.js';
import { prosumerLikeQp } from './prosumerLikeQp.js';
import { pythonReferenceUnavailableReason, runPythonReference, warnPythonMissing } from './pythonReference.js';
import { randomConvexQp } from './randomConvexQp.js';

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe('solver: against OSQP and Clarabel (Python reference)', function () {
  before(function () {
    const reason = pythonReferenceUnavailableReason();
    if (reason !== null) {
      warnPythonMissing('tests/solver/pythonReference.test.ts (comparison with OSQP and Clarabel)', reason);
      this.skip();
    }
  });

  for (const [T, partners] of [[24, 9], [24, 99], [168, 9], [168, 0]] as const) {
    it(`prosumer-like QP, T = ${T}, ${partners || 'aggregated'} partners: objective and trades agree`, () => {
      const problem = prosumerLikeQp(T, partners, 1);
      const ours = solveQp(problem, { epsAbs: 1e-6, epsRel: 1e-6 });
      const ref = runPythonReference(problem, { eps: 1e-6 });
      assert.equal(ours.status, 'solved');
      assert.equal(ref.osqp.status, 'solved');
      assert.equal(ref.clarabel.status, 'Solved');
      // Clarabel is accurate to ~1e-8; OSQP and we stop at 1e-6 residuals
      assert.ok(rel(ours.objective, ref.clarabel.obj) < 1e-6, `ours ${ours.objective} vs Clarabel ${ref.clarabel.obj}`);
      assert.ok(rel(ours.objective, ref.osqp.obj as number) < 1e-6, `ours ${ours.objective} vs OSQP ${ref.osqp.obj}`);
      // trades carry a strictly convex penalty, so they are unique: compare them
      const trades = partners || 1;
      const perSlot = 10 + trades;
      let worst = 0;
      for (let t = 0; t < T; t++) {
        for (let k = 0; k < trades; k++) {
          const j = t * perSlot + 10 + k;
          worst = Math.max(worst, Math.abs(ours.x[j] - (ref.clarabel.x[j] as number)));
        }
      }
      assert.ok(worst < 1e-3, `largest trade difference ${worst}`);
    });
  }

  for (const seed of [31, 32, 33]) {
    it(`random convex QP (seed ${seed}): solution agrees with both to 1e-6`, () => {
      const problem = randomConvexQp(20, seed);
      const ours = solveQp(problem, { epsAbs: 1e-7, epsRel: 1e-7 });
      const ref = runPythonReference(problem, { eps: 1e-9 });
      assert.equal(ours.status, 'solved');
      assert.ok(rel(ours.objective, ref.clarabel.obj) < 1e-6);
      for (let j = 0; j < 20; j++) {
        assert.ok(Math.abs(ours.x[j] - (ref.clarabel.x[j] as number)) < 1e-6, `x[${j}] vs Clarabel`);
        assert.ok(Math.abs(ours.x[j] - (ref.osqp.x as number[])[j]) < 1e-5, `x[${j}] vs OSQP`);
      }
    });
  }
});
