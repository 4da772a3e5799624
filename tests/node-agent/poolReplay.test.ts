// `verify` for the pool: a round run on anvil (rows by submit, submitSigned and submitBatch, one
// participant missing an iteration, settlement) replays bit for bit with every row's signer
// recomputed; a tampered row, a forged signature and a row a relay altered are each caught.
import assert from 'node:assert/strict';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { poolCodeMatchesSource } from '../../contracts/findCoordinator.js';
import { encodeRow, signPoolRow } from '../../contracts/poolRow.js';
import { verifyPoolRound, type PoolRoundEvents } from '../../node-agent/poolRoundReplay.js';
import { startPoolFixture, type PoolFixture } from '../contracts/poolFixture.js';

describe('pool verify: replay from the chain', function () {
  this.timeout(120_000);
  let f: PoolFixture;
  before(async () => {
    f = await startPoolFixture(3, { maxIterations: 2, deadlineBlocks: 3 });
    const rows = [
      [
        [100, -50, 20, 0, 7, -7],
        [-60, 30, -10, 5, 0, 1],
        [-41, 19, -9, -5, -8, 6],
      ],
      [
        [90, -40, 25, 1, 6, -6],
        [-55, 28, -12, 4, 1, 1],
        null, // participant 2 misses iteration 2: carried over, closed at the deadline
      ],
    ];
    await f.asProsumer(0).submit(f.round, 1, encodeRow(rows[0]![0]!), '0x');
    await f.dev.as(1).submitSigned(f.round, 1, await f.signed(1, 1, rows[0]![1]!, null));
    await f.dev.as(1).submitBatch(f.round, 1, [await f.signed(2, 1, rows[0]![2]!, null)]);
    await f.dev.as(1).submitBatch(f.round, 2, [await f.signed(0, 2, rows[1]![0]!, rows[0]![0]!), await f.signed(1, 2, rows[1]![1]!, rows[0]![1]!)]);
    await f.dev.publicClient.request({ method: 'anvil_mine' as never, params: ['0x5'] as never });
    await f.dev.as(2).closeIteration(f.round, 2);
    await f.dev.as(2).settle(f.round, f.prosumers.map((p) => p.address), [encodeRow(rows[1]![0]!), encodeRow(rows[1]![1]!), encodeRow(rows[0]![2]!)]);
  });
  after(async () => f?.stop());

  const verify = (tamper?: (ev: PoolRoundEvents) => void) => verifyPoolRound(f.dev.publicClient, f.dev.address, f.round, tamper);

  it('replays the round bit for bit and checks every row\'s signer', async () => {
    const r = await verify();
    assert.deepEqual(r.mismatches, []);
    assert.equal(r.iterations, 2);
    assert.equal(r.status, 'max_iterations');
    assert.equal(r.signaturesChecked, 5);
    assert.equal(r.settlement.reduce((a, b) => a + b, 0n), 0n);
    assert.ok(r.settlement.some((a) => a !== 0n));
    // the code at the address is this checkout's PoolCoordinator (immutables aside); an account is not
    assert.equal(await poolCodeMatchesSource(f.dev.publicClient, f.dev.address), true);
    assert.equal(await poolCodeMatchesSource(f.dev.publicClient, f.prosumers[0]!.address), false);
  });

  it('catches a tampered row (event altered)', async () => {
    const r = await verify((ev) => {
      ev.rows[1]!.row = encodeRow([-60, 30, -10, 5, 0, 2]);
    });
    const what = r.mismatches.map((m) => m.what);
    assert.ok(what.includes('signature does not recover to the participant over this row'), what.join('; '));
    assert.ok(what.includes('prices') || what.includes('sbar'), what.join('; '));
  });

  it('catches a forged signature', async () => {
    const forger = privateKeyToAccount(generatePrivateKey());
    const forgedSig = await signPoolRow(forger, { chainId: f.dev.chain.id, contract: f.dev.address }, { round: f.round, iteration: 2, participant: f.prosumers[0]!.address, row: encodeRow([90, -40, 25, 1, 6, -6]), slice: '0x' });
    const r2 = await verify((ev) => {
      const c = ev.rows.find((x) => x.iteration === 2 && x.participant === f.prosumers[0]!.address)!.carrier;
      if (c.kind === 'signed') c.signature = forgedSig;
    });
    assert.deepEqual(
      r2.mismatches.map((m) => [m.iteration, m.what, m.participant]),
      [[2, 'signature does not recover to the participant over this row', f.prosumers[0]!.address]],
    );
  });

  it('catches a row a relay altered after signing', async () => {
    const r = await verify((ev) => {
      const e = ev.rows.find((x) => x.iteration === 2 && x.participant === f.prosumers[1]!.address)!;
      const altered = encodeRow([-55, 28, -12, 4, 1, 9]);
      e.row = altered; // the relay's altered row, as if it had been accepted
      if (e.carrier.kind === 'signed') e.carrier.row = altered;
    });
    const what = r.mismatches.map((m) => `${m.iteration}:${m.what}`);
    assert.ok(what.includes('2:signature does not recover to the participant over this row'), what.join('; '));
  });
});
