// The pool coordinator computes admm/poolStep.ts bit for bit: random int16 rows (with the int16
// extremes), participants that skip iterations (carried over), the three ways in (submit,
// submitSigned, submitBatch), warm-start prices, large rho and alpha near 2, an odd horizon (a
// partly filled storage word); every IterationClosed's prices, sbar, maxAbs, dualNum and status
// equal the specification's, and the settlement amounts equal settleRound's and sum to zero.
import assert from 'node:assert/strict';
import { parseEventLogs, type Hex } from 'viem';
import { accumulateSubmission, closeIteration, openRound, settleRound, type PoolConfig, type PoolStatus } from '../../admm/poolStep.js';
import { POOL_STATUS } from '../../contracts/poolCoordinatorClient.js';
import { decodeSlice, encodeRow, encodeSlice } from '../../contracts/poolRow.js';
import { startPoolFixture, type PoolFixture } from './poolFixture.js';
import { mulberry32 as prng } from '../../data/seededRandom.js';

const STATUS: Record<PoolStatus, number> = { running: POOL_STATUS.open, converged: POOL_STATUS.converged, max_iterations: POOL_STATUS.maxIterations };

async function runAgainstSpec(f: PoolFixture, spec: PoolConfig, initial: BigInt64Array, rowsFor: (k: number, i: number) => number[] | null, maxIt: number) {
  const state = openRound(spec, initial);
  const last: (number[] | null)[] = Array.from({ length: spec.n }, () => null);
  let k = 0;
  const closedLogs: { iteration: number; status: number }[] = [];
  while (state.status === 'running' && k < maxIt) {
    k++;
    const batch = [];
    const fromBlock = await f.dev.publicClient.getBlockNumber({ cacheTime: 0 });
    for (let i = 0; i < spec.n; i++) {
      const row = rowsFor(k, i);
      if (!row) continue;
      accumulateSubmission(spec, state, i, Int16Array.from(row), last[i] ? Int16Array.from(last[i]!) : null);
      const prev = last[i] ? encodeRow(last[i]!) : ('0x' as Hex);
      const mode = (i + k) % 3;
      if (mode === 0) await f.asProsumer(i).submit(f.round, k, encodeRow(row), prev);
      else if (mode === 1) await f.dev.as(1).submitSigned(f.round, k, await f.signed(i, k, row, last[i]));
      else batch.push(await f.signed(i, k, row, last[i]));
      last[i] = row;
    }
    const clearing = closeIteration(spec, state);
    const submittedAll = rowsFor(k, -1) !== null;
    if (batch.length) await f.dev.as(2).submitBatch(f.round, k, batch);
    if (!submittedAll) {
      // someone was missing: the deadline path closes the iteration
      const p = await f.operator.progress(f.round);
      const head = await f.dev.publicClient.getBlockNumber({ cacheTime: 0 });
      if (head <= p.deadlineBlock) await f.dev.publicClient.request({ method: 'anvil_mine' as never, params: [`0x${(p.deadlineBlock - head + 1n).toString(16)}`] as never });
      await f.dev.as(2).closeIteration(f.round, k);
    }
    const logs = await f.dev.publicClient.getContractEvents({ address: f.dev.address, abi: f.operator.abi, eventName: 'IterationClosed', fromBlock, strict: true });
    const ev = logs.find((l) => Number(l.args.iteration) === k);
    assert.ok(ev, `no IterationClosed for iteration ${k}`);
    const a = ev.args;
    assert.deepEqual(Array.from(decodeSlice(a.prices as Hex)), Array.from(clearing.prices), `prices, iteration ${k}`);
    assert.deepEqual(Array.from(decodeSlice(a.sbar as Hex)), Array.from(clearing.sbar), `sbar, iteration ${k}`);
    assert.equal(a.maxAbs, clearing.maxAbs, `maxAbs, iteration ${k}`);
    assert.equal(a.dualNum, clearing.dualNum, `dualNum, iteration ${k}`);
    assert.equal(Number(a.status), STATUS[clearing.status], `status, iteration ${k}`);
    closedLogs.push({ iteration: k, status: Number(a.status) });
  }
  return { state, last, closedLogs };
}

describe('pool coordinator: exactness against admm/poolStep.ts', function () {
  this.timeout(180_000);

  it('random rows, skips, all three ways in, warm start, extremes: every clearing equal', async () => {
    const n = 5;
    const t = 7;
    const rand = prng(20260808);
    const initial = BigInt64Array.from({ length: t }, () => BigInt(Math.round((rand() - 0.5) * 4e11)));
    const cfgOver = { horizon: t, resolution: 999_999n, rho: 987_654_321n, alphaPpm: 1_999_999n, maxIterations: 4, initialPrices: encodeSlice(initial) };
    const f = await startPoolFixture(n, cfgOver);
    try {
      const spec: PoolConfig = { n, t, resolution: 999_999n, rho: 987_654_321n, alphaPpm: 1_999_999n, epsPrimal: 0n, epsDual: 0n, minIterations: 1, maxIterations: 4 };
      const table = new Map<string, number[] | null>();
      const rowsFor = (k: number, i: number): number[] | null => {
        if (i === -1) return [...Array(n).keys()].every((j) => table.get(`${k}:${j}`) !== null) ? [] : null;
        const key = `${k}:${i}`;
        if (!table.has(key)) {
          const skip = k > 1 && (i + k) % 4 === 0; // some participants miss an iteration
          const extremes = [32767, -32768, 0];
          table.set(key, skip ? null : Array.from({ length: t }, (_, s) => (s < 3 && i === k % n ? extremes[s]! : Math.round((rand() - 0.5) * 65000))));
        }
        return table.get(key)!;
      };
      for (let k = 1; k <= 4; k++) for (let i = 0; i < n; i++) rowsFor(k, i);
      const { state, last, closedLogs } = await runAgainstSpec(f, spec, initial, rowsFor, 4);
      assert.equal(closedLogs.length, 4);
      assert.equal(closedLogs[3]!.status, POOL_STATUS.maxIterations);
      assert.equal(state.status, 'max_iterations');
      // settlement in two chunks equals settleRound; amounts sum to zero exactly
      const want = settleRound(spec, state);
      const who = f.prosumers.map((p) => p.address);
      const rows = last.map((r) => (r ? encodeRow(r) : ('0x' as Hex)));
      const r1 = await f.dev.as(2).settle(f.round, who.slice(0, 2), rows.slice(0, 2));
      const r2 = await f.dev.as(1).settle(f.round, who.slice(2), rows.slice(2));
      const settled = [r1, r2].flatMap((r) => r.hash);
      const amounts = new Map<string, bigint>();
      let total: bigint | undefined;
      for (const hash of settled) {
        const receipt = await f.dev.publicClient.getTransactionReceipt({ hash });
        for (const l of parseEventLogs({ abi: f.operator.abi, logs: receipt.logs })) {
          if (l.eventName === 'Settled') amounts.set(l.args.participant, l.args.amount);
          if (l.eventName === 'SettlementCompleted') total = l.args.total;
        }
      }
      assert.deepEqual(who.map((a) => amounts.get(a)), want.amounts);
      assert.equal(total, 0n);
      assert.ok(want.amounts.some((a) => a !== 0n));
      await assert.rejects(f.dev.as(1).settle(f.round, [who[0]!], [rows[0]!]), /AlreadySettled/);
    } finally {
      await f.stop();
    }
  });

  it('stops on the residual rule exactly when the specification does', async () => {
    const n = 3;
    const t = 4;
    const over = { horizon: t, epsPrimal: 2_000n, epsDual: 1_000n, minIterations: 2, maxIterations: 10 };
    const f = await startPoolFixture(n, over);
    try {
      const spec: PoolConfig = { n, t, resolution: 1000n, rho: 300_000n, alphaPpm: 1_600_000n, epsPrimal: 2_000n, epsDual: 1_000n, minIterations: 2, maxIterations: 10 };
      // rows that balance out (|totals| small) and stop changing from iteration 2 on
      const rows = [
        [5, -3, 2, 0],
        [-4, 3, -2, 1],
        [-1, 0, 1, -2],
      ];
      const rowsFor = (k: number, i: number) => (i === -1 ? [] : k === 1 ? rows[i]!.map((v) => v * 3) : rows[i]!);
      const { state, closedLogs } = await runAgainstSpec(f, spec, new BigInt64Array(t), rowsFor, 10);
      assert.equal(state.status, 'converged');
      assert.equal(closedLogs.at(-1)!.status, POOL_STATUS.converged);
      assert.equal(closedLogs.length, state.iteration);
      assert.ok(closedLogs.length >= 2);
    } finally {
      await f.stop();
    }
  });
});
