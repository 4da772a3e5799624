// Every custom error of the coordinator, triggered on anvil, plus the deadline path (a prosumer
// that never submits: advance() reuses its last row, zeros at the first iteration) checked
// against coordinatorStep, and the verifier catching a tampered event row at its pair and slot.
import assert from 'node:assert/strict';
import { BaseError, ContractFunctionRevertedError, type Hex } from 'viem';
import { coordinatorStep, initialState, index, type CoordinatorConfig } from '../../admm/coordinatorStep.js';
import { startDevChain, type DevChain } from '../../chain/localChain.js';
import type { OpenRoundArgs } from '../../contracts/coordinatorClient.js';
import { encodeRow, rowOf } from '../../contracts/rowCodec.js';
import { fetchRoundEvents, replayRound, verifyRound } from '../../node-agent/roundReplay.js';
import { findRoundOpenings } from '../../contracts/findCoordinator.js';

async function reverts(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    const rev = err instanceof BaseError ? (err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null) : null;
    assert.equal(rev?.data?.errorName, name, `expected ${name}, got ${String(err).slice(0, 300)}`);
    return true;
  });
}

describe('coordinator contract: rejections, deadline path, verifier', function () {
  this.timeout(120_000);
  let dev: DevChain;
  const n = 3;
  const t = 4;
  let base: OpenRoundArgs;
  const row = (v: bigint) => encodeRow(new Array<bigint>((n - 1) * t).fill(v));
  before(async () => {
    dev = await startDevChain({ accounts: 6 });
    for (let k = 1; k <= n; k++) await dev.as(0).admitProsumer(dev.accounts[k]);
    base = {
      participants: dev.accounts.slice(1, 1 + n),
      horizon: t,
      rho: 100_000n,
      epsAbs: 1n,
      epsDual: 1n,
      epsRelPpm: 0n,
      balanceRho: false,
      maxIterations: 20,
      deadlineBlocks: 5,
      maxAbsTrade: 10_000_000n,
    };
  });
  after(async () => dev?.stop());

  it('rejects role, admission and round-parameter misuse', async () => {
    await reverts(dev.as(1).openRound(base), 'NotOperator');
    await reverts(dev.as(1).admitProsumer(dev.accounts[5]), 'NotAdmitter');
    await reverts(dev.as(0).write('transferAdmitter', ['0x0000000000000000000000000000000000000000']), 'ZeroAddress');
    await reverts(dev.as(0).admitProsumer(dev.accounts[1]), 'AlreadyAdmitted');
    await reverts(dev.as(0).write('removeProsumer', [dev.accounts[5]]), 'NotAdmitted');
    await reverts(dev.as(0).openRound({ ...base, participants: [dev.accounts[1], dev.accounts[5]] }), 'NotAdmitted');
    await reverts(dev.as(0).openRound({ ...base, participants: [dev.accounts[1]] }), 'BadParticipantCount');
    await reverts(dev.as(0).openRound({ ...base, participants: [dev.accounts[1], dev.accounts[1]] }), 'DuplicateParticipant');
    await reverts(dev.as(0).openRound({ ...base, horizon: 0 }), 'BadHorizon');
    await reverts(dev.as(0).openRound({ ...base, rho: 0n }), 'BadRho');
    await reverts(dev.as(0).openRound({ ...base, maxAbsTrade: 2_147_000_001n }), 'BadMaxAbsTrade');
    // lambda could leave int48 within maxIterations: rho * maxAbsTrade / 1e6 * maxIterations > 2^47
    await reverts(dev.as(0).openRound({ ...base, rho: 10n ** 12n, maxAbsTrade: 2_000_000_000n, maxIterations: 1000 }), 'LambdaBoundExceeded');
    await reverts(dev.as(1).submit(1n, 1, 0, row(0n)), 'WrongRound');
    // the admitter role can move (to a governance contract) and back
    await dev.as(0).write('transferAdmitter', [dev.accounts[4]]);
    await reverts(dev.as(0).admitProsumer(dev.accounts[5]), 'NotAdmitter');
    await dev.as(4).write('transferAdmitter', [dev.accounts[0]]);
  });

  it('rejects bad submissions and completes a missed iteration after the deadline, as coordinatorStep does', async () => {
    await dev.as(0).openRound({ ...base, maxIterations: 2 }); // closes after iteration 2
    const round = await dev.as(0).currentRound();
    await reverts(dev.as(0).openRound(base), 'RoundStillOpen');
    await reverts(dev.as(1).submit(round + 1n, 1, 0, row(0n)), 'WrongRound');
    await reverts(dev.as(1).submit(round, 2, 0, row(0n)), 'WrongIteration');
    await reverts(dev.as(1).submit(round, 1, 1, row(0n)), 'NotParticipant');
    await reverts(dev.as(5).submit(round, 1, 0, row(0n)), 'NotParticipant');
    await reverts(dev.as(1).submit(round, 1, 0, '0x00000001'), 'WrongLength');
    await reverts(dev.as(1).submit(round, 1, 0, row(10_000_001n)), 'ValueOutOfBounds');
    await reverts(dev.as(1).submit(round, 1, 0, row(-10_000_001n)), 'ValueOutOfBounds');
    await reverts(dev.as(1).advance(round, 1, []), 'DeadlineNotReached');

    // iteration 1: participants 0 and 1 submit, 2 never does (a removed prosumer can't either)
    const cfg: CoordinatorConfig = { n, t, epsAbs: 1n, epsDual: 1n, epsRelPpm: 0n, balanceRho: false };
    const trades = new BigInt64Array(n * n * t);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let s = 0; s < t; s++) if (i !== j) trades[index(n, t, i, j, s)] = BigInt((i + 1) * 1_000_003 - (j + 1) * 700_001 + s * 33_331);
    const r0 = encodeRow(rowOf(trades, n, t, 0));
    await dev.as(1).submit(round, 1, 0, r0);
    await reverts(dev.as(1).submit(round, 1, 0, r0), 'AlreadySubmitted');
    await dev.as(2).submit(round, 1, 1, encodeRow(rowOf(trades, n, t, 1)));
    await dev.as(0).write('removeProsumer', [dev.accounts[3]]);
    await reverts(dev.as(3).submit(round, 1, 2, encodeRow(rowOf(trades, n, t, 2))), 'NotAdmitted');
    await dev.publicClient.request({ method: 'anvil_mine' as never, params: ['0x6'] as never });
    await reverts(dev.as(5).advance(round, 1, []), 'WrongLength');
    await reverts(dev.as(5).advance(round, 1, [r0]), 'ReusedRowMismatch'); // participant 2 has no row: must be empty
    await dev.as(5).advance(round, 1, ['0x']); // anyone may advance
    const fed = BigInt64Array.from(trades);
    for (let j = 0; j < n; j++) for (let s = 0; s < t; s++) if (j !== 2) fed[index(n, t, 2, j, s)] = 0n; // zeros reused
    let state = initialState(n, t, base.rho);
    let step = coordinatorStep(cfg, state, fed);
    state = step.state;
    for (let i = 0; i < n; i++) {
      const got = await dev.as(0).getRow(round, i);
      assert.deepEqual([...got.lambda], [...rowOf(state.lambda, n, t, i)]);
      assert.deepEqual([...got.hat], [...rowOf(state.hat, n, t, i)]);
      assert.equal(got.iteration, 2);
    }
    // iteration 2: participant 0 misses; its iteration-1 row is reused (checked by hash)
    const t2 = BigInt64Array.from(fed, (v) => v / 2n);
    await dev.as(2).submit(round, 2, 1, encodeRow(rowOf(t2, n, t, 1)));
    await dev.as(0).admitProsumer(dev.accounts[3]);
    await dev.as(3).submit(round, 2, 2, encodeRow(rowOf(t2, n, t, 2)));
    await dev.publicClient.request({ method: 'anvil_mine' as never, params: ['0x6'] as never });
    await reverts(dev.as(5).advance(round, 2, [row(1n)]), 'ReusedRowMismatch');
    await dev.as(5).advance(round, 2, [r0]);
    const fed2 = BigInt64Array.from(t2);
    for (let j = 1; j < n; j++) for (let s = 0; s < t; s++) fed2[index(n, t, 0, j, s)] = trades[index(n, t, 0, j, s)];
    step = coordinatorStep(cfg, state, fed2);
    state = step.state;
    for (let i = 0; i < n; i++) {
      const got = await dev.as(0).getRow(round, i);
      assert.deepEqual([...got.lambda], [...rowOf(state.lambda, n, t, i)]);
      assert.deepEqual([...got.hat], [...rowOf(state.hat, n, t, i)]);
    }
    // the verifier replays both iterations (reused rows included) and finds no difference
    const report = await verifyRound(dev.publicClient, dev.address, round);
    assert.equal(report.iterations, 2);
    assert.equal(report.storageChecked, 2);
    assert.deepEqual(report.mismatches, []);
    // read in 2-block log windows (as against a node that caps eth_getLogs ranges): the same replay
    const windowed = await verifyRound(dev.publicClient, dev.address, round, undefined, { window: 2n });
    assert.equal(windowed.iterations, report.iterations);
    assert.equal(windowed.storageChecked, report.storageChecked);
    assert.deepEqual(windowed.states, report.states);
    assert.deepEqual(windowed.trades, report.trades);
    const openings = await findRoundOpenings(dev.publicClient, round, { window: 1n });
    assert.deepEqual(openings.map((o) => o.address.toLowerCase()), [dev.address.toLowerCase()]);
    // a tampered event row is caught at the right pair and slot
    const tampered = await verifyRound(dev.publicClient, dev.address, round, (ev) => {
      const hex = ev.submitted[1].get(1)!; // participant 1, iteration 2
      const bytes = hex.slice(2);
      const k = 1 * t + 3; // partner slot m=1 (participant 2), slot 3
      const v = (parseInt(bytes.slice(k * 8, k * 8 + 8), 16) ^ 0x10) >>> 0;
      ev.submitted[1].set(1, `0x${bytes.slice(0, k * 8)}${v.toString(16).padStart(8, '0')}${bytes.slice(k * 8 + 8)}` as Hex);
    });
    const firstPair = tampered.mismatches.find((m) => m.what === 'pHat' || m.what === 'lambda');
    assert.ok(firstPair, 'the tampered row is reported');
    assert.equal(firstPair.iteration, 2);
    assert.deepEqual([Math.min(firstPair.i!, firstPair.j!), Math.max(firstPair.i!, firstPair.j!), firstPair.slot], [1, 2, 3]);
    assert.ok(tampered.mismatches.every((m) => m.what !== 'lambda' && m.what !== 'pHat' ? true : Math.min(m.i!, m.j!) === 1 && Math.max(m.i!, m.j!) === 2 && m.slot === 3));
    // a replay without storage reads still catches it through the iteration sums
    const ev = await fetchRoundEvents(dev.publicClient, dev.address, round);
    ev.submitted[0].set(0, row(0n));
    const sums = await replayRound(ev);
    assert.ok(sums.mismatches.some((m) => m.iteration === 1 && m.what === 'tradeSq'));
  });

  it('closes the round at the iteration cap and then rejects submissions', async () => {
    await dev.as(0).openRound({ ...base, maxIterations: 1 });
    const round = await dev.as(0).currentRound();
    for (let i = 0; i < n; i++) await dev.as(1 + i).submit(round, 1, i, row(BigInt(i + 1) * 1000n));
    const st = await dev.as(0).roundState(round);
    assert.equal(st.status, 3);
    await reverts(dev.as(1).submit(round, 1, 0, row(0n)), 'RoundClosed');
    await reverts(dev.as(1).advance(round, 1, []), 'RoundClosed');
  });

  it('runs paris bytecode: no PUSH0 opcode in the deployed code', async () => {
    const code = Buffer.from((await dev.publicClient.getCode({ address: dev.address }))!.slice(2), 'hex');
    const metadata = code.readUInt16BE(code.length - 2) + 2; // solc's CBOR trailer is data
    let push0 = 0;
    for (let pc = 0; pc < code.length - metadata; pc++) {
      const op = code[pc];
      if (op === 0x5f) push0++;
      if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
    }
    assert.ok(code.length > 1000);
    assert.equal(push0, 0);
  });
});
