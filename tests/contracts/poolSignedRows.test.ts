// Signed submissions to the pool coordinator, one attack per test: a row signed by another key, a
// row altered after signing (by a relay), replays into another iteration, round, contract and chain
// id, a signer that is not admitted, a malleable (high-s) twin of a valid signature, and a batch with
// one bad entry (the bad one is skipped with RowRejected naming participant and reason; the good
// ones are accepted and count toward the iteration).
import assert from 'node:assert/strict';
import { parseEventLogs, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { deployPoolCoordinator } from '../../contracts/deployPoolCoordinator.js';
import { POOL_STATUS, PoolCoordinatorClient, REJECT_REASONS } from '../../contracts/poolCoordinatorClient.js';
import { encodeRow, makeSignedPoolRow } from '../../contracts/poolRow.js';
import { startPoolFixture, type PoolFixture } from './poolFixture.js';

const ROW_A = [100, -200, 300, -400, 500, -600];
const ROW_B = [-1, 2, -3, 4, -5, 6];
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function rejects(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.match(String(err.message), new RegExp(name), `expected ${name}, got ${err.message.slice(0, 300)}`);
    return true;
  });
}

describe('pool coordinator: signed submissions', function () {
  this.timeout(120_000);
  let f: PoolFixture;
  before(async () => {
    f = await startPoolFixture(4);
  });
  after(async () => f?.stop());

  const relay = () => f.dev.as(1); // any account may relay

  it('accepts a relayed row signed by its participant', async () => {
    const r = await relay().submitSigned(f.round, 1, await f.signed(0, 1, ROW_A, null));
    assert.ok(r.gasUsed > 0n);
    const m = await f.operator.membership(f.round, f.prosumers[0]!.address);
    assert.deepEqual(m, { enrolled: true, index: 0, lastIteration: 1, settled: false });
  });

  it('rejects a row signed by another key (wrong signer)', async () => {
    const forged = await f.signed(2, 1, ROW_A, null);
    await rejects(relay().submitSigned(f.round, 1, { ...forged, participant: f.prosumers[1]!.address }), 'BadSignature');
  });

  it('rejects a row altered after signing', async () => {
    const good = await f.signed(1, 1, ROW_A, null);
    await rejects(relay().submitSigned(f.round, 1, { ...good, row: encodeRow([...ROW_A.slice(0, 5), -599]) }), 'BadSignature');
    await rejects(relay().submitSigned(f.round, 1, { ...good, slice: '0x0000000000000001' }), 'BadSignature');
  });

  it('rejects a replay into another iteration', async () => {
    const forIteration2 = await f.signed(1, 2, ROW_A, null);
    await rejects(relay().submitSigned(f.round, 1, forIteration2), 'BadSignature');
  });

  it('rejects a replay into another round', async () => {
    const forRound2 = await f.signed(1, 1, ROW_A, null, { round: f.round + 1n });
    await rejects(relay().submitSigned(f.round, 1, forRound2), 'BadSignature');
  });

  it('rejects a replay into another contract', async () => {
    const other = await deployPoolCoordinator(f.dev.publicClient, f.dev.walletFor(0));
    const forOther = await f.signed(1, 1, ROW_A, null, { contract: other.address });
    await rejects(relay().submitSigned(f.round, 1, forOther), 'BadSignature');
    // and a row signed for this contract is worthless at the other one
    const otherClient = new PoolCoordinatorClient(f.dev.publicClient, other.address, f.dev.walletFor(0));
    assert.notEqual(await otherClient.domainSeparator(), await f.operator.domainSeparator());
  });

  it('rejects a replay into another chain id', async () => {
    const forChain1 = await f.signed(1, 1, ROW_A, null, { chainId: 1 });
    await rejects(relay().submitSigned(f.round, 1, forChain1), 'BadSignature');
  });

  it('rejects a malleable (high-s) twin of a valid signature', async () => {
    const good = await f.signed(1, 1, ROW_A, null);
    const sig = good.signature;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130, 132), 16);
    const twin = `${sig.slice(0, 66)}${(SECP256K1_N - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    await rejects(relay().submitSigned(f.round, 1, { ...good, signature: twin }), 'BadSignature');
    await rejects(relay().submitSigned(f.round, 1, { ...good, signature: `${sig.slice(0, 130)}1d` as Hex }), 'BadSignature'); // v = 29
  });

  it('rejects a signer that is not admitted, and one admitted but not enrolled', async () => {
    const stranger = privateKeyToAccount(generatePrivateKey());
    const ref = { chainId: f.dev.chain.id, contract: f.dev.address };
    const row = await makeSignedPoolRow(stranger, ref, { round: f.round, iteration: 1, row: encodeRow(ROW_A), prevRow: '0x' });
    await rejects(relay().submitSigned(f.round, 1, row), 'NotParticipant');
    await f.operator.admitProsumer(stranger.address); // admitted now, but not enrolled in the running round
    await rejects(relay().submitSigned(f.round, 1, row), 'NotParticipant');
  });

  it('a batch with one bad entry: the bad one is skipped with RowRejected, the good ones are accepted', async () => {
    const good1 = await f.signed(1, 1, ROW_B, null);
    const good2 = await f.signed(2, 1, ROW_A, null);
    const tampered = { ...(await f.signed(3, 1, ROW_B, null)), row: encodeRow([9, 9, 9, 9, 9, 9]) };
    const r = await relay().submitBatch(f.round, 1, [good1, tampered, good2]);
    assert.deepEqual(r.rejected, [{ participant: f.prosumers[3]!.address, reason: 5 }]);
    assert.equal(REJECT_REASONS[5], 'bad signature');
    const receipt = await f.dev.publicClient.getTransactionReceipt({ hash: r.hash });
    const accepted = parseEventLogs({ abi: f.operator.abi, eventName: 'RowSubmitted', logs: receipt.logs }).map((l) => l.args.participant);
    assert.deepEqual(accepted, [f.prosumers[1]!.address, f.prosumers[2]!.address]);
    // 3 of 4 rows this iteration: still open; the same signed row again is a duplicate
    const p = await f.operator.progress(f.round);
    assert.equal(p.count, 3);
    assert.equal(p.status, POOL_STATUS.open);
    const again = await relay().submitBatch(f.round, 1, [good1]);
    assert.deepEqual(again.rejected, [{ participant: f.prosumers[1]!.address, reason: 2 }]);
    // the honest row of participant 3 completes the iteration
    await f.asProsumer(3).submit(f.round, 1, encodeRow(ROW_B), '0x');
    assert.equal((await f.operator.progress(f.round)).iteration, 2);
  });

  it('rejects a prevRow that is not the participant\'s last row', async () => {
    const wrongPrev = await f.signed(0, 2, ROW_B, ROW_B); // its last row is ROW_A
    await rejects(relay().submitSigned(f.round, 2, wrongPrev), 'PrevRowMismatch');
    const rightPrev = await f.signed(0, 2, ROW_B, ROW_A);
    await relay().submitSigned(f.round, 2, rightPrev);
    await rejects(f.asProsumer(1).submit(f.round, 2, encodeRow(ROW_A), '0x'), 'PrevRowMismatch');
  });
});
