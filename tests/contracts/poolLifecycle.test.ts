// The pool coordinator's round lifecycle and roles: enrolment rules, the deadline path (closing is
// refused before the deadline, then anyone closes with the missing rows carried over), operator
// cancel with its event, a removed prosumer refused, settlement only after the end, the two-step
// hand-over of the operator and admitter roles, typed errors, and a round refused when its worst
// transaction could not fit the block gas limit.
import assert from 'node:assert/strict';
import { parseEventLogs } from 'viem';
import { POOL_STATUS } from '../../contracts/poolCoordinatorClient.js';
import { encodeRow } from '../../contracts/poolRow.js';
import { rpcCall } from '../../chain/rpc.js';
import { poolConfig, startPoolFixture } from './poolFixture.js';

const ROW = [1, 2, 3, 4, 5, 6];

describe('pool coordinator: lifecycle and roles', function () {
  this.timeout(120_000);

  it('enrols, closes at the deadline with carried-over rows, cancels, refuses a removed prosumer', async () => {
    const f = await startPoolFixture(4, { deadlineBlocks: 5 }, { enroll: 3, start: false });
    try {
      const op = f.operator;
      await assert.rejects(op.enroll(f.round, [f.prosumers[0]!.address]), /AlreadyEnrolled/);
      await assert.rejects(f.dev.as(1).enroll(f.round, [f.prosumers[3]!.address]), /NotOperator/);
      await assert.rejects(f.asProsumer(0).submit(f.round, 1, encodeRow(ROW), '0x'), /RoundNotOpen/);
      await op.startRound(f.round);
      await assert.rejects(op.enroll(f.round, [f.prosumers[3]!.address]), /RoundNotEnrolling/);
      await assert.rejects(f.asProsumer(3).submit(f.round, 1, encodeRow(ROW), '0x'), /NotParticipant/);
      await assert.rejects(f.asProsumer(0).submit(f.round, 2, encodeRow(ROW), '0x'), /WrongIteration/);
      await assert.rejects(f.asProsumer(0).submit(f.round + 1n, 1, encodeRow(ROW), '0x'), /WrongRound/);
      await assert.rejects(f.asProsumer(0).submit(f.round, 1, encodeRow([1, 2]), '0x'), /WrongLength/);
      await f.asProsumer(0).submit(f.round, 1, encodeRow(ROW), '0x');
      await f.asProsumer(1).submit(f.round, 1, encodeRow(ROW), '0x');
      await assert.rejects(f.asProsumer(0).submit(f.round, 1, encodeRow(ROW), encodeRow(ROW)), /AlreadySubmitted/);
      // participant 2 is missing: nobody may close before the deadline, anybody after it
      await assert.rejects(f.dev.as(2).closeIteration(f.round, 1), /DeadlineNotReached/);
      await rpcCall(f.dev.anvil.rpcUrl, 'anvil_mine', ['0x6']);
      const closed = await f.dev.as(2).closeIteration(f.round, 1);
      const ev = parseEventLogs({ abi: op.abi, eventName: 'IterationClosed', logs: (await f.dev.publicClient.getTransactionReceipt({ hash: closed.hash })).logs });
      assert.equal(ev.length, 1);
      assert.equal(ev[0]!.args.submitted, 2);
      const { totals } = await op.clearing(f.round);
      assert.deepEqual(Array.from(totals), ROW.map((v) => BigInt(2 * v)));
      // iteration 2: a removed prosumer can no longer submit; its last row stays in the totals
      await op.removeProsumer(f.prosumers[0]!.address);
      await assert.rejects(f.asProsumer(0).submit(f.round, 2, encodeRow(ROW), encodeRow(ROW)), /NotAdmitted/);
      await assert.rejects(f.dev.as(1).settle(f.round, [f.prosumers[1]!.address], [encodeRow(ROW)]), /RoundNotEnded/);
      // cancel: operator only, with its event; the round is over
      await assert.rejects(f.dev.as(1).cancelRound(f.round), /NotOperator/);
      const c = await op.cancelRound(f.round);
      const names = parseEventLogs({ abi: op.abi, logs: (await f.dev.publicClient.getTransactionReceipt({ hash: c.hash })).logs }).map((l) => l.eventName);
      assert.deepEqual(names, ['RoundCancelled', 'RoundEnded']);
      assert.equal((await op.progress(f.round)).status, POOL_STATUS.cancelled);
      await assert.rejects(f.asProsumer(1).submit(f.round, 2, encodeRow(ROW), encodeRow(ROW)), /RoundNotOpen/);
      await assert.rejects(op.cancelRound(f.round), /RoundNotOpen/);
      await assert.rejects(f.dev.as(1).settle(f.round, [f.prosumers[1]!.address], [encodeRow(ROW)]), /RoundNotEnded/);
      // a new round may open after a cancelled one
      await op.openRound(poolConfig());
      assert.equal(await op.currentRound(), f.round + 1n);
    } finally {
      await f.stop();
    }
  });

  it('hands the operator and admitter roles over in two steps', async () => {
    const f = await startPoolFixture(2);
    try {
      const [op, next, other] = [f.dev.as(0), f.dev.as(1), f.dev.as(2)];
      const nextAddr = f.dev.accounts[1]!;
      await assert.rejects(next.proposeOperator(nextAddr), /NotOperator/);
      await op.proposeOperator(nextAddr);
      assert.equal((await op.operator()).toLowerCase(), f.dev.accounts[0]!.toLowerCase()); // not yet
      await assert.rejects(other.acceptOperator(), /NotProposed/);
      await next.acceptOperator();
      assert.equal((await op.operator()).toLowerCase(), nextAddr.toLowerCase());
      await assert.rejects(op.cancelRound(f.round), /NotOperator/);
      await next.cancelRound(f.round);
      await op.proposeAdmitter(nextAddr);
      await assert.rejects(other.acceptAdmitter(), /NotProposed/);
      await next.acceptAdmitter();
      await assert.rejects(op.admitProsumer(f.dev.accounts[2]!), /NotAdmitter/);
      await next.admitProsumer(f.dev.accounts[2]!);
      await assert.rejects(next.proposeAdmitter('0x0000000000000000000000000000000000000000'), /ZeroAddress/);
    } finally {
      await f.stop();
    }
  });

  it('refuses a round whose worst transaction cannot fit the block gas limit, and bad parameters', async () => {
    const f = await startPoolFixture(2, {}, { start: true });
    try {
      const op = f.operator;
      await f.operator.cancelRound(f.round);
      await assert.rejects(op.openRound(poolConfig({ alphaPpm: 2_000_000n })), /BadRoundParameter/);
      await assert.rejects(op.openRound(poolConfig({ horizon: 169 })), /BadRoundParameter/);
      await assert.rejects(op.openRound(poolConfig({ initialPrices: '0x01' })), /BadRoundParameter/);
      await rpcCall(f.dev.anvil.rpcUrl, 'evm_setBlockGasLimit', ['0x1E8480']); // 2,000,000
      await rpcCall(f.dev.anvil.rpcUrl, 'anvil_mine', ['0x1']);
      await assert.rejects(op.write('openRound', [{ ...poolConfig({ horizon: 168 }), resolution: 1000, alphaPpm: 1_600_000 }], { gas: 1_900_000n }), /RoundTooLargeForBlock/);
      await op.write('openRound', [{ ...poolConfig({ horizon: 24 }), resolution: 1000, alphaPpm: 1_600_000 }], { gas: 1_900_000n });
      assert.equal(await op.currentRound(), f.round + 1n);
    } finally {
      await f.stop();
    }
  });

  it('runs paris bytecode: no PUSH0 opcode in the deployed code (geth 1.13 Clique refuses Shanghai)', async () => {
    const f = await startPoolFixture(2, {}, { start: false });
    try {
      const code = Buffer.from((await f.dev.publicClient.getCode({ address: f.dev.address }))!.slice(2), 'hex');
      const metadata = code.readUInt16BE(code.length - 2) + 2; // solc's CBOR trailer is data
      let push0 = 0;
      for (let pc = 0; pc < code.length - metadata; pc++) {
        const op = code[pc]!;
        if (op === 0x5f) push0++;
        if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
      }
      assert.ok(code.length > 1000);
      assert.equal(push0, 0);
    } finally {
      await f.stop();
    }
  });
});
