// The contract's coordinator step equals admm/coordinatorStep.ts integer for integer: random
// trades (both signs, up to the round's bound) in random submission orders, with residual
// balancing on, compared after every iteration through getRow and the IterationCompleted event.
import assert from 'node:assert/strict';
import { parseEventLogs } from 'viem';
import { coordinatorStep, initialState, index, type CoordinatorConfig } from '../../admm/coordinatorStep.js';
import { startDevChain, type DevChain } from '../../chain/localChain.js';
import type { WriteResult } from '../../contracts/coordinatorClient.js';
import { encodeRow, rowOf } from '../../contracts/rowCodec.js';

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

describe('coordinator contract: exact integer step', function () {
  this.timeout(120_000);
  let dev: DevChain;
  before(async () => {
    dev = await startDevChain({ accounts: 8 });
    for (let k = 1; k <= 5; k++) await dev.as(0).admitProsumer(dev.accounts[k]);
  });
  after(async () => dev?.stop());

  it('matches coordinatorStep at every iteration (N=5, T=7, balancing, bound-hitting values)', async () => {
    const n = 5;
    const t = 7;
    const maxAbsTrade = 2_000_000_000n;
    const cfg: CoordinatorConfig = { n, t, epsAbs: 1000n, epsDual: 1000n, epsRelPpm: 1000n, balanceRho: true };
    const rho0 = 150_000n;
    const participants = dev.accounts.slice(1, 1 + n);
    await dev.as(0).openRound({
      participants,
      horizon: t,
      rho: rho0,
      epsAbs: cfg.epsAbs,
      epsDual: cfg.epsDual,
      epsRelPpm: cfg.epsRelPpm,
      balanceRho: true,
      maxIterations: 50,
      deadlineBlocks: 1000,
      maxAbsTrade,
    });
    const round = await dev.as(0).currentRound();
    let state = initialState(n, t, rho0);
    const random = rng(7);
    for (let it = 1; it <= 5; it++) {
      const trades = new BigInt64Array(n * n * t);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          for (let s = 0; s < t; s++) {
            if (i === j) continue;
            const u = random();
            // extremes, small odd values (truncation of /2) and ordinary magnitudes
            trades[index(n, t, i, j, s)] =
              u < 0.05 ? maxAbsTrade : u < 0.1 ? -maxAbsTrade : u < 0.3 ? BigInt(Math.floor(random() * 7) - 3) : BigInt(Math.round((random() - 0.5) * 4e7));
          }
      const order = [...Array(n).keys()].sort(() => random() - 0.5);
      let last: WriteResult | undefined;
      for (const i of order) last = await dev.as(1 + i).submit(round, it, i, encodeRow(rowOf(trades, n, t, i)));
      const step = coordinatorStep(cfg, state, trades);
      state = step.state;
      const receipt = await dev.publicClient.getTransactionReceipt({ hash: last!.hash });
      const [done] = parseEventLogs({ abi: dev.as(0).abi, logs: receipt.logs, eventName: 'IterationCompleted' }) as unknown as {
        args: { iteration: bigint; primalSq: bigint; dualSq: bigint; tradeSq: bigint; hatSq: bigint; lambdaSq: bigint; rho: bigint; nextRho: bigint; converged: boolean };
      }[];
      assert.ok(done, 'the last submission completes the iteration');
      assert.equal(done.args.iteration, BigInt(it));
      assert.equal(done.args.primalSq, step.primalSq);
      assert.equal(done.args.dualSq, step.dualSq);
      assert.equal(done.args.tradeSq, step.tradeSq);
      assert.equal(done.args.hatSq, step.hatSq);
      assert.equal(done.args.lambdaSq, step.lambdaSq);
      assert.equal(done.args.rho, step.rhoUsed);
      assert.equal(done.args.nextRho, step.state.rho);
      assert.equal(done.args.converged, step.converged);
      for (let i = 0; i < n; i++) {
        const row = await dev.as(0).getRow(round, i);
        assert.deepEqual([...row.lambda], [...rowOf(state.lambda, n, t, i)], `lambda row ${i} at iteration ${it}`);
        assert.deepEqual([...row.hat], [...rowOf(state.hat, n, t, i)], `pHat row ${i} at iteration ${it}`);
        assert.equal(row.rho, state.rho);
        assert.equal(row.iteration, it + 1);
      }
    }
  });
});
