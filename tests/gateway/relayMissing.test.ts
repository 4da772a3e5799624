// The relay's MISSING broadcast: `missingAfterMs` after a clearing, and again every as long, it
// tells every meter whose rows the open iteration still lacks, and starts over after the next
// clearing; without the option the relay never sends one.
import assert from 'node:assert/strict';
import pino from 'pino';
import { privateKeyToAccount } from 'viem/accounts';
import { encodeRow, signPoolRow } from '../../contracts/poolRow.js';
import { InMemoryPoolChain } from '../../gateway/poolChainPort.js';
import { GatewayRelay } from '../../gateway/relay.js';
import { decodeMessage, encodeRowMessage, type RadioMessage } from '../../radio/frames.js';
import { radioMeterKeys } from '../../radio/simulator/radioRound.js';

const accounts = radioMeterKeys(42, 3).map((k) => privateKeyToAccount(k));
const cfg = { n: 3, t: 4, resolution: 1000n, rho: 100_000n, alphaPpm: 1_000_000n, epsPrimal: 1n, epsDual: 1n, minIterations: 5, maxIterations: 50 };

describe('gateway relay: MISSING broadcasts', () => {
  it('names the absent rows after missingAfterMs, again while they stay absent, and starts over after the clearing', async () => {
    const chain = new InMemoryPoolChain(1n, cfg, accounts.map((a) => a.address), new BigInt64Array(4));
    let now = 1_000_000;
    const sent: RadioMessage[] = [];
    const relay = new GatewayRelay({
      chain,
      log: pino({ level: 'silent' }),
      clock: () => now,
      downlink: { broadcast: async (m) => void sent.push(decodeMessage(m)), sendTo: async () => undefined },
      batchSize: 10,
      deadlineMs: 60_000,
      missingAfterMs: 10_000,
    });
    const row = async (i: number, iteration: number) => {
      const values = [i + 1, 0, -i - 1, 0];
      const signature = await signPoolRow(accounts[i]!, chain.domain, { round: 1n, iteration, row: encodeRow(values), slice: '0x' });
      await relay.onUplink(`70b3d57ed000000${i}`, encodeRowMessage({ round: 1n, iteration, participant: i, row: Int16Array.from(values), slice: [], signature }));
    };
    await relay.start(1n);
    assert.deepEqual(sent.map((m) => m.type), ['clearing']);
    assert.equal(relay.nextWakeup, now + 10_000);
    await row(0, 1);
    now += 10_000;
    await relay.tick();
    const first = sent.at(-1)!;
    assert.equal(first.type, 'missing');
    assert.ok(first.type === 'missing' && first.iteration === 1);
    assert.deepEqual(first.type === 'missing' && first.missing, [false, true, true]);
    assert.equal(relay.nextWakeup, 1_000_000 + 20_000);
    await row(2, 1);
    now += 10_000;
    await relay.tick();
    assert.deepEqual(sent.at(-1)!.type === 'missing' && (sent.at(-1) as { missing: boolean[] }).missing, [false, true, false]);
    assert.equal(relay.stats.missingSent, 2);
    // the last row closes iteration 1: a clearing, and the MISSING timer starts over from it
    await row(1, 1);
    assert.equal(sent.at(-1)!.type, 'clearing');
    assert.equal(relay.openIteration, 2);
    assert.equal(relay.nextWakeup, now + 10_000);
    // a row of iteration 2 in before the timer: the next MISSING is iteration 2's and names the other two
    await row(1, 2);
    now += 10_000;
    await relay.tick();
    const next = sent.at(-1)!;
    assert.ok(next.type === 'missing' && next.iteration === 2, JSON.stringify(next.type));
    assert.deepEqual(next.type === 'missing' && next.missing, [true, false, true]);
    assert.equal(relay.stats.missingSent, 3);
  });

  it('without missingAfterMs it never broadcasts one, and its only timer is the deadline', async () => {
    const chain = new InMemoryPoolChain(1n, cfg, accounts.map((a) => a.address), new BigInt64Array(4));
    let now = 0;
    const sent: RadioMessage[] = [];
    const relay = new GatewayRelay({ chain, log: pino({ level: 'silent' }), clock: () => now, downlink: { broadcast: async (m) => void sent.push(decodeMessage(m)), sendTo: async () => undefined }, deadlineMs: 60_000 });
    await relay.start(1n);
    assert.equal(relay.nextWakeup, 60_000);
    now = 30_000;
    await relay.tick();
    assert.ok(sent.every((m) => m.type === 'clearing'));
  });
});
