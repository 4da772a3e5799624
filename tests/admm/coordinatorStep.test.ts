// The fixed-point coordinator step against vectors computed by hand (in the comments), with
// negative odd differences so truncation toward zero differs from flooring, and the rho
// balancing rule in all three branches.
import assert from 'node:assert/strict';
import { coordinatorStep, index, initialState, type CoordinatorConfig } from '../../admm/coordinatorStep.js';

const cfg = (n: number, t: number, over: Partial<CoordinatorConfig> = {}): CoordinatorConfig => ({
  n,
  t,
  epsAbs: 0n,
  epsDual: 0n,
  epsRelPpm: 0n,
  balanceRho: false,
  ...over,
});

function tradesOf(n: number, t: number, entries: [number, number, number, bigint][]): BigInt64Array {
  const a = new BigInt64Array(n * n * t);
  for (const [i, j, s, v] of entries) a[index(n, t, i, j, s)] = v;
  return a;
}

describe('coordinatorStep (hand-computed)', () => {
  it('two prosumers, T = 2, rho = 0.5: truncation toward zero in pHat and lambda', () => {
    // slot 0: e01 = 1_000_001, e10 = -2_000_000
    //   hat01 = trunc(3_000_001 / 2) = 1_500_000            (not 1_500_001)
    //   lambda = 0 - trunc(500_000 * (-999_999) / 2e6) = -trunc(-249_999.75) = 249_999   (floor: 250_000)
    // slot 1: e01 = -3, e10 = 0
    //   hat01 = trunc(-3 / 2) = -1                          (floor: -2)
    //   lambda = -trunc(500_000 * -3 / 2e6) = -trunc(-0.75) = 0
    const trades = tradesOf(2, 2, [
      [0, 1, 0, 1_000_001n],
      [1, 0, 0, -2_000_000n],
      [0, 1, 1, -3n],
      [1, 0, 1, 0n],
    ]);
    const r = coordinatorStep(cfg(2, 2), initialState(2, 2, 500_000n), trades);
    const h = r.state.hat;
    const l = r.state.lambda;
    assert.deepEqual([h[index(2, 2, 0, 1, 0)], h[index(2, 2, 1, 0, 0)], h[index(2, 2, 0, 1, 1)], h[index(2, 2, 1, 0, 1)]], [1_500_000n, -1_500_000n, -1n, 1n]);
    assert.deepEqual([l[index(2, 2, 0, 1, 0)], l[index(2, 2, 1, 0, 0)], l[index(2, 2, 0, 1, 1)], l[index(2, 2, 1, 0, 1)]], [249_999n, 249_999n, 0n, 0n]);
    // R = 499_999^2 + 500_000^2 + 2^2 + 1^2
    assert.equal(r.primalSq, 499_999_000_006n);
    // S = 2 * (1_500_000^2 + 1^2) (previous hat = 0); Z the same
    assert.equal(r.dualSq, 4_500_000_000_002n);
    assert.equal(r.hatSq, 4_500_000_000_002n);
    // X = 1_000_001^2 + 2_000_000^2 + 3^2
    assert.equal(r.tradeSq, 5_000_002_000_010n);
    // L = 2 * 249_999^2
    assert.equal(r.lambdaSq, 124_999_000_002n);
    assert.equal(r.state.iteration, 1);
    assert.equal(r.converged, false);
  });

  it('three prosumers, T = 2, rho = 1: pairs are independent, residuals sum over ordered entries', () => {
    // pair 01: s0 e=(4,-2): hat 3, lambda -trunc(2/2) = -1;   s1 zeros
    // pair 02: s1 e=(7,-7): hat 7, lambda 0;                  s0 zeros
    // pair 12: s0 e=(-5,2): hat trunc(-7/2) = -3, lambda -trunc(-3/2) = 1
    //          s1 e=(1,2):  hat trunc(-1/2) = 0,  lambda -trunc(3/2) = -1
    const trades = tradesOf(3, 2, [
      [0, 1, 0, 4n],
      [1, 0, 0, -2n],
      [0, 2, 1, 7n],
      [2, 0, 1, -7n],
      [1, 2, 0, -5n],
      [2, 1, 0, 2n],
      [1, 2, 1, 1n],
      [2, 1, 1, 2n],
    ]);
    const r = coordinatorStep(cfg(3, 2), initialState(3, 2, 1_000_000n), trades);
    const at = (a: BigInt64Array, i: number, j: number, s: number) => a[index(3, 2, i, j, s)];
    assert.deepEqual(
      [at(r.state.hat, 0, 1, 0), at(r.state.hat, 1, 0, 0), at(r.state.hat, 0, 2, 1), at(r.state.hat, 1, 2, 0), at(r.state.hat, 2, 1, 0), at(r.state.hat, 1, 2, 1)],
      [3n, -3n, 7n, -3n, 3n, 0n],
    );
    assert.deepEqual(
      [at(r.state.lambda, 0, 1, 0), at(r.state.lambda, 1, 0, 0), at(r.state.lambda, 0, 2, 1), at(r.state.lambda, 1, 2, 0), at(r.state.lambda, 2, 1, 0), at(r.state.lambda, 1, 2, 1)],
      [-1n, -1n, 0n, 1n, 1n, -1n],
    );
    assert.equal(r.primalSq, 12n); // 1+1 (pair 01) + 4+1 + 1+4 (pair 12)
    assert.equal(r.dualSq, 134n); // 2*(9+49+9+0)
    assert.equal(r.tradeSq, 152n);
    assert.equal(r.hatSq, 134n);
    assert.equal(r.lambdaSq, 6n);
  });

  it('rho balancing: doubles when the primal residual dominates, halves (not below 1) when the dual does', () => {
    const n = 2;
    const t = 1;
    const balanced = cfg(n, t, { balanceRho: true });
    // primal dominates: repeat the same non-clearing trades, so hat does not move (S = 0, R > 0)
    const unbalanced = tradesOf(n, t, [
      [0, 1, 0, 10n],
      [1, 0, 0, 4n],
    ]);
    const s1 = coordinatorStep(balanced, initialState(n, t, 300n), unbalanced);
    // iteration 1: R = (3-10)^2 + (-3-4)^2 = 98, S = 2*3^2 = 18; 98e12 > 100 * 300^2 * 18 = 1.62e8 -> double
    assert.equal(s1.primalSq, 98n);
    assert.equal(s1.state.rho, 600n);
    const s2 = coordinatorStep(balanced, s1.state, unbalanced);
    assert.equal(s2.dualSq, 0n);
    assert.equal(s2.state.rho, 1200n);
    // dual dominates: clearing trades (R = 0) that move hat (S > 0) -> halve
    const clearing = tradesOf(n, t, [
      [0, 1, 0, 8n],
      [1, 0, 0, -8n],
    ]);
    const s3 = coordinatorStep(balanced, { ...s2.state }, clearing);
    assert.equal(s3.primalSq, 0n);
    assert.equal(s3.state.rho, 600n);
    // rho = 1 halves to max(1, 0) = 1
    const s4 = coordinatorStep(balanced, initialState(n, t, 1n), clearing);
    assert.equal(s4.state.rho, 1n);
    // within the factor mu = 10 nothing changes: R = 0 and S = 0 (repeat clearing trades)
    const s5 = coordinatorStep(balanced, s3.state, clearing);
    assert.equal(s5.state.rho, s3.state.rho);
  });

  it('stops only from the second iteration, when both residual tests pass', () => {
    const n = 2;
    const t = 1;
    const c = cfg(n, t, { epsAbs: 10n, epsDual: 10n });
    const clearing = tradesOf(n, t, [
      [0, 1, 0, 5n],
      [1, 0, 0, -5n],
    ]);
    const first = coordinatorStep(c, initialState(n, t, 1_000_000n), clearing);
    // R = 0 and rho^2 S = 1e12 * 50 <= count * 100 * 1e12 = 200e12: both ok, but iteration 1
    assert.equal(first.primalOk, true);
    assert.equal(first.dualOk, true);
    assert.equal(first.converged, false);
    const second = coordinatorStep(c, first.state, clearing);
    assert.equal(second.converged, true);
  });
});
