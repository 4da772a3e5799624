// A relay that alters or replays a signed row is refused by the coordinator (here the in-memory
// one, which applies the contract's checks); the honest relay itself drops altered uplinks and
// rows from a device bound to another prosumer, and relays a retry only once.
import assert from 'node:assert/strict';
import pino from 'pino';
import { encodeRow, signPoolRow } from '../../contracts/poolRow.js';
import { privateKeyToAccount } from 'viem/accounts';
import { InMemoryPoolChain } from '../../gateway/poolChainPort.js';
import { GatewayRelay } from '../../gateway/relay.js';
import { encodeRowMessage } from '../../radio/frames.js';
import { signJoin } from '../../radio/joinProof.js';
import { encodeMessage } from '../../radio/frames.js';

const keys = ['0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'] as const;
const accounts = keys.map((k) => privateKeyToAccount(k));
const cfg = { n: 2, t: 4, resolution: 1000n, rho: 100_000n, alphaPpm: 1_000_000n, epsPrimal: 1n, epsDual: 1n, minIterations: 5, maxIterations: 50 };

async function signed(i: number, iteration: number, row: number[]) {
  const rowHex = encodeRow(row);
  const signature = await signPoolRow(accounts[i]!, chainDomain, { round: 1n, iteration, row: rowHex, slice: '0x' });
  return { participant: accounts[i]!.address, row: rowHex, slice: '0x' as const, prevRow: '0x' as const, signature };
}
const chainDomain = { chainId: 31337, contract: '0x00000000000000000000000000000000000d3c01' as const };

describe('gateway relay: altered and replayed rows', () => {
  it('the coordinator refuses an altered row, a row replayed into the next iteration and a second row', async () => {
    const chain = new InMemoryPoolChain(1n, cfg, accounts.map((a) => a.address), new BigInt64Array(4));
    const good = await signed(0, 1, [1, 2, 3, 4]);
    const altered = { ...good, row: encodeRow([1, 2, 3, 5]) };
    let out = await chain.submitBatch(1n, 1, [altered]);
    assert.deepEqual(out.rejected.map((r) => r.reason), ['signature']);
    out = await chain.submitBatch(1n, 1, [good, good]);
    assert.deepEqual(out.accepted, [0]);
    assert.deepEqual(out.rejected.map((r) => r.reason), ['already submitted']);
    await chain.submitBatch(1n, 1, [await signed(1, 1, [0, 0, 0, 0])]);
    assert.equal((await chain.progress(1n)).iteration, 1, 'closed when both submitted');
    // iteration 1's row replayed into iteration 2 (with the right prevRow): the signature names iteration 1
    out = await chain.submitBatch(1n, 2, [{ ...good, prevRow: good.row }]);
    assert.deepEqual(out.rejected.map((r) => r.reason), ['signature']);
  });

  it('the relay drops an altered uplink, a device speaking for another prosumer, and relays a retry once', async () => {
    const chain = new InMemoryPoolChain(1n, cfg, accounts.map((a) => a.address), new BigInt64Array(4));
    const lines: string[] = [];
    const relay = new GatewayRelay({
      chain,
      log: pino({ level: 'info' }, { write: (s: string) => void lines.push(s) }),
      downlink: { broadcast: async () => undefined, sendTo: async () => undefined },
      batchSize: 10,
    });
    await relay.start(1n);
    const s0 = await signed(0, 1, [5, 5, 5, 5]);
    const frame = encodeRowMessage({ round: 1n, iteration: 1, participant: 0, row: Int16Array.from([5, 5, 5, 5]), slice: [], signature: s0.signature });
    const tampered = Uint8Array.from(frame);
    tampered[11] ^= 1;
    await relay.onUplink('70b3d57ed0000001', tampered);
    assert.equal(relay.stats.rowsRejected, 1);
    // device 2 joined as prosumer 1, then sends prosumer 0's row
    await relay.onUplink('70b3d57ed0000002', encodeMessage(await signJoin(accounts[1]!, '0x70b3d57ed0000002', Math.floor(Date.now() / 1000))));
    await relay.onUplink('70b3d57ed0000002', frame);
    assert.equal(relay.stats.rowsRejected, 2);
    await relay.onUplink('70b3d57ed0000001', frame);
    await relay.onUplink('70b3d57ed0000001', frame);
    assert.equal(relay.stats.duplicates, 1);
    const s1 = await signed(1, 1, [-5, -5, -5, -5]);
    await relay.onUplink('70b3d57ed0000002', encodeRowMessage({ round: 1n, iteration: 1, participant: 1, row: Int16Array.from([-5, -5, -5, -5]), slice: [], signature: s1.signature }));
    assert.equal(relay.stats.rowsAccepted, 2);
    assert.equal(chain.batches.flatMap((b) => b.participants).length, 2, 'each row relayed once');
    assert.equal(relay.openIteration, 2);
    assert.ok(!lines.join('').includes(keys[0].slice(2)) && !lines.join('').includes(keys[1].slice(2)));
  });
});
