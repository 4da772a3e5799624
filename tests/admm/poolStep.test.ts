// The pool market's integer specification (admm/poolStep.ts) against hand-computed vectors:
// truncation toward zero in the price update and sbar, exact zero-sum of the balanced trades and
// of the settlement (remainder to the lowest indices), carry-over of a participant that misses an
// iteration, the stop rule at its boundaries, the encodings, and the agent's integer target update.
import assert from 'node:assert/strict';
import { applyPoolClearing, initialPoolAgentState, recordSubmission } from '../../admm/poolAgentStep.js';
import {
  accumulateSubmission,
  balancedTrade,
  closeIteration,
  kwToRowStep,
  openRound,
  packInt64,
  packRow,
  PoolStepError,
  settleRound,
  settlementAmount,
  unpackInt64,
  unpackRow,
  type PoolConfig,
} from '../../admm/poolStep.js';

const cfg = (n: number, t: number, over: Partial<PoolConfig> = {}): PoolConfig => ({
  n,
  t,
  resolution: 1000n,
  rho: 300_000n,
  alphaPpm: 1_600_000n,
  epsPrimal: 0n,
  epsDual: 0n,
  minIterations: 1,
  maxIterations: 100,
  ...over,
});

const row = (...v: number[]) => Int16Array.from(v);

/** a small deterministic generator of int16 rows */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

describe('poolStep: coordinator arithmetic (hand-computed)', () => {
  it('N = 3, T = 2: sbar and the price update truncate toward zero', () => {
    // slot 0: rows 5, -3, 1 -> totals 3 steps -> q = 3000 µkW; sbar = trunc(3000/3) = 1000
    //   dPrice = trunc(300_000 * 1_600_000 * 3000 / (3 * 1e12)) = trunc(480) = 480 -> price 200_000 - 480
    // slot 1: rows -1, -1, 0 -> totals -2 -> q = -2000; sbar = trunc(-666.67) = -666 (floor: -667)
    //   dPrice = trunc(300_000 * 1_600_000 * -2000 / 3e12) = trunc(-320) = -320 -> price 100_000 + 320
    const c = cfg(3, 2);
    const s = openRound(c, BigInt64Array.from([200_000n, 100_000n]));
    accumulateSubmission(c, s, 0, row(5, -1), null);
    accumulateSubmission(c, s, 1, row(-3, -1), null);
    accumulateSubmission(c, s, 2, row(1, 0), null);
    const k = closeIteration(c, s);
    assert.deepEqual(Array.from(k.sbar), [1000n, -666n]);
    assert.deepEqual(Array.from(k.prices), [199_520n, 100_320n]);
    assert.equal(k.maxAbs, 3n);
    // dualNum = N * sum ||row||^2 - ||totals||^2 = 3 * (26 + 10 + 1) - (9 + 4) = 98
    assert.equal(k.dualNum, 98n);
    assert.equal(k.iteration, 1);
  });

  it('truncation of a negative price step differs from flooring', () => {
    // totals -1 step, N = 7: q = -1000; dPrice = trunc(300_000 * 1_600_000 * -1000 / 7e12) = trunc(-68.57) = -68
    const c = cfg(7, 1);
    const s = openRound(c);
    accumulateSubmission(c, s, 3, row(-1), null);
    const k = closeIteration(c, s);
    assert.equal(k.prices[0], 68n);
    assert.equal(k.sbar[0], -142n); // trunc(-142.86)
  });

  it('balanced trades sum to exactly zero in every slot; the remainder goes to the lowest indices', () => {
    const r = rng(7);
    for (const n of [1, 2, 3, 7, 10, 33]) {
      const T = 6;
      const c = cfg(n, T, { resolution: 997n });
      const s = openRound(c);
      for (let i = 0; i < n; i++) accumulateSubmission(c, s, i, Int16Array.from({ length: T }, () => Math.floor(r() * 65536) - 32768), null);
      closeIteration(c, s);
      const { trades, amounts } = settleRound(c, s);
      for (let t = 0; t < T; t++) {
        let sum = 0n;
        for (const z of trades) sum += z[t];
        assert.equal(sum, 0n, `n=${n} slot ${t}`);
      }
      assert.equal(
        amounts.reduce((a, b) => a + b, 0n),
        0n,
        `settlement of n=${n} must sum to zero`,
      );
    }
    // by hand: N = 3, rows 1, 0, 0 at resolution 1000: q = 1000, sb = 333, rem = 1; only index 0
    //   (< |rem| = 1) takes the remainder: z_0 = 1000 - 333 - 1 = 666, z_1 = z_2 = -333
    const c = cfg(3, 1);
    const totals = BigInt64Array.from([1n]);
    assert.deepEqual(
      [0, 1, 2].map((i) => balancedTrade(c, totals, i, row(i === 0 ? 1 : 0))[0]),
      [666n, -333n, -333n],
    );
    // negative remainder: rows -1, -1, 0 -> q = -2000, sb = -666, rem = -2: indices 0 and 1 get +1
    const neg = BigInt64Array.from([-2n]);
    assert.deepEqual(
      [0, 1, 2].map((i) => balancedTrade(c, neg, i, row(i < 2 ? -1 : 0))[0]),
      [-1000n + 666n + 1n, -1000n + 666n + 1n, 666n],
    );
  });

  it('settlement is price . z exactly (1e-12 currency per slot hour); a seller at a positive price is owed', () => {
    const prices = BigInt64Array.from([150_000n, -20_000n]);
    const z = BigInt64Array.from([2_000_000n, 500_000n]);
    // 150_000 * 2_000_000 - 20_000 * 500_000 = 3e11 - 1e10 = 2.9e11 (0.29 currency at dt = 1 h)
    assert.equal(settlementAmount(prices, z), 290_000_000_000n);
  });

  it('carry-over: a participant that misses an iteration keeps its last row in the totals', () => {
    const c = cfg(3, 2);
    const s = openRound(c);
    accumulateSubmission(c, s, 0, row(10, 20), null);
    accumulateSubmission(c, s, 1, row(-4, 1), null);
    accumulateSubmission(c, s, 2, row(-6, -21), null);
    closeIteration(c, s);
    // iteration 2: participant 1 is missing
    accumulateSubmission(c, s, 0, row(8, 20), row(10, 20));
    accumulateSubmission(c, s, 2, row(-5, -21), row(-6, -21));
    const k2 = closeIteration(c, s);
    assert.deepEqual(Array.from(s.totals), [8n - 4n - 5n, 20n + 1n - 21n]);
    // dualNum = N * (||(-2,0)||^2 + ||(1,0)||^2) - ||dS||^2 = 3 * 5 - 1 = 14
    assert.equal(k2.dualNum, 14n);
    // iteration 3: participant 1 returns; its prevRow is its row of iteration 1
    accumulateSubmission(c, s, 1, row(-3, 1), row(-4, 1));
    closeIteration(c, s);
    assert.deepEqual(Array.from(s.totals), [0n, 0n]);
  });

  it('rejects a wrong prevRow, a second submission in an iteration and a submission after the end', () => {
    const c = cfg(2, 1, { maxIterations: 1, minIterations: 1 });
    const s = openRound(c);
    accumulateSubmission(c, s, 0, row(3), null);
    assert.throws(() => accumulateSubmission(c, s, 0, row(4), row(3)), PoolStepError);
    assert.throws(() => accumulateSubmission(c, s, 1, row(4), row(1)), /prevRow is not the last row/);
    assert.throws(() => accumulateSubmission(c, s, 2, row(4), null), /no participant/);
    const k = closeIteration(c, s);
    assert.equal(k.status, 'max_iterations');
    assert.throws(() => accumulateSubmission(c, s, 1, row(4), null), /has ended/);
  });

  it('stop rule: the primal and dual bounds hold with equality and fail one unit above; minIterations holds the stop back', () => {
    // N = 2, T = 1, rows 3 and -1: totals 2 steps, q = 2000 µkW; primalOk <=> 2 * 1000 <= 2 * epsPrimal
    // dualNum = 2 * (9 + 1) - 4 = 16; dualOk <=> rho^2 * 1e6 * 16 <= 4 * 1 * epsDual^2 * 1e12
    //   rho = 500_000: 2.5e11 * 1.6e7 = 4e18 <= 4e12 * epsDual^2 <=> epsDual >= 1000
    const run = (epsPrimal: bigint, epsDual: bigint, minIterations = 1) => {
      const c = cfg(2, 1, { rho: 500_000n, epsPrimal, epsDual, minIterations });
      const s = openRound(c);
      accumulateSubmission(c, s, 0, row(3), null);
      accumulateSubmission(c, s, 1, row(-1), null);
      return closeIteration(c, s);
    };
    assert.deepEqual([run(1000n, 1000n).primalOk, run(1000n, 1000n).dualOk, run(1000n, 1000n).converged], [true, true, true]);
    assert.equal(run(999n, 1000n).primalOk, false);
    assert.equal(run(1000n, 999n).dualOk, false);
    assert.equal(run(1000n, 999n).converged, false);
    const held = run(1000n, 1000n, 2);
    assert.deepEqual([held.primalOk, held.dualOk, held.converged, held.status], [true, true, false, 'running']);
  });
});

describe('poolStep: encodings', () => {
  it('rows are int16 big-endian, prices int64 big-endian', () => {
    const bytes = packRow(row(-2, 258, 32767, -32768));
    assert.deepEqual(Array.from(bytes), [0xff, 0xfe, 0x01, 0x02, 0x7f, 0xff, 0x80, 0x00]);
    assert.deepEqual(Array.from(unpackRow(bytes)), [-2, 258, 32767, -32768]);
    const p = BigInt64Array.from([-1n, 1n << 40n]);
    const pb = packInt64(p);
    assert.deepEqual(Array.from(pb.subarray(0, 8)), [255, 255, 255, 255, 255, 255, 255, 255]);
    assert.deepEqual(Array.from(unpackInt64(pb)), [-1n, 1n << 40n]);
    assert.throws(() => unpackRow(new Uint8Array(3)), PoolStepError);
  });

  it('kW to row steps rounds half away from zero and clamps to int16', () => {
    assert.equal(kwToRowStep(0.0015, 1000n), 2);
    assert.equal(kwToRowStep(-0.0015, 1000n), -2);
    assert.equal(kwToRowStep(-0.0014, 1000n), -1);
    assert.equal(kwToRowStep(40, 1000n), 32767);
    assert.equal(kwToRowStep(-40, 1000n), -32768);
  });
});

describe('poolAgentStep: integer target update', () => {
  it('z^k = tdiv(alpha*(lastRow*res - sbar) + (1e6 - alpha)*z^(k-1), 1e6), clearings in order', () => {
    const params = { resolution: 1000n, alphaPpm: 1_600_000n };
    let a = initialPoolAgentState(2, BigInt64Array.from([100n, -100n]));
    a = recordSubmission(a, row(3, -2));
    // slot 0: 1.6e6 * (3000 - 500) + (-0.6e6) * 100 = 4e9 - 6e7 = 3.94e9 -> 3940
    // slot 1: 1.6e6 * (-2000 - (-333)) + (-0.6e6) * (-100) = -2_667_200_000 + 60_000_000 -> -2607.2 -> -2607
    const next = applyPoolClearing(params, a, { iteration: 1, sbar: BigInt64Array.from([500n, -333n]) });
    assert.deepEqual(Array.from(next.target), [3940n, -2607n]);
    assert.throws(() => applyPoolClearing(params, next, { iteration: 3, sbar: BigInt64Array.from([0n, 0n]) }), /in order/);
  });
});
