// The gateway relay against the real PoolCoordinator on anvil: meters' signed rows go radio ->
// ChirpStack-shaped MQTT events (aedes) -> relay -> submitBatch from the relay's own account. The
// relay is killed and restarted mid-iteration; a relay that alters a row or replays an older one
// is refused by the contract (RowRejected, bad signature) while the honest rows are counted; the
// chain's replay equals the in-memory engine clearing by clearing, and no row reached the chain twice.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadScenario } from '../../data/loadScenario.js';
import { encodeRow, decodeRow } from '../../contracts/poolRow.js';
import type { PoolChainPort, RelayedRow } from '../../gateway/poolChainPort.js';
import { runRadioPilot } from '../../operator/radioPilot.js';

/** Passes everything through; before iteration 2's first batch it also submits an altered row and a replayed one. */
function attackingRelay(inner: PoolChainPort, seen: { reasons: string[]; accepted: number; honestRejected: string[]; honestAccepted: number }): PoolChainPort {
  const first = new Map<string, RelayedRow>();
  let attacked = false;
  return {
    domain: inner.domain,
    currentRound: () => inner.currentRound(),
    roundInfo: (r) => inner.roundInfo(r),
    progress: (r) => inner.progress(r),
    clearing: (r, k) => inner.clearing(r, k),
    lastCounted: (r, i) => inner.lastCounted(r, i),
    closeAtDeadline: (r, k) => inner.closeAtDeadline(r, k),
    async submitBatch(round, iteration, rows) {
      if (iteration === 1) for (const x of rows) first.set(x.participant, x);
      if (iteration === 2 && !attacked && rows.length > 0) {
        attacked = true;
        const honest = rows[0]!;
        const v = decodeRow(honest.row);
        v[0] = v[0]! + 1;
        const altered = { ...honest, row: encodeRow(v) };
        const old = first.get(honest.participant)!;
        // iteration 1's signed row again, with the right prevRow: its signature names iteration 1
        const replayed = { ...old, prevRow: old.row };
        const out = await inner.submitBatch(round, iteration, [altered, replayed]);
        seen.reasons.push(...out.rejected.map((x) => x.reason));
        seen.accepted += out.accepted.length;
      }
      const out = await inner.submitBatch(round, iteration, rows);
      seen.honestRejected.push(...out.rejected.map((x) => x.reason));
      seen.honestAccepted += out.accepted.length;
      return out;
    },
  };
}

describe('gateway relay on the contract (anvil, MQTT, radio simulator)', function () {
  this.timeout(180_000);

  it('restarted mid-iteration and attacked: the contract counts each honest row once and refuses the others', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 6, days: 1, seed: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'derchain-relay-chain-'));
    const seen = { reasons: [] as string[], accepted: 0, honestRejected: [] as string[], honestAccepted: 0 };
    try {
      const r = await runRadioPilot({
        scenario,
        transport: 'lorawan',
        pool: { epsPrimal: 0.01, epsDual: 0.01 },
        seed: 2,
        log: pino({ level: 'silent' }),
        radio: { statePath: join(dir, 'relay.json'), restartRelayAt: { iteration: 3, afterRows: 3 } },
        wrapChain: (c) => attackingRelay(c, seen),
      });
      assert.equal(r.radio!.relayRestarts, 1, 'the relay was restarted');
      assert.deepEqual(seen.reasons, ['bad signature', 'bad signature'], 'altered and replayed rows refused by the contract');
      assert.equal(seen.accepted, 0);
      assert.equal(r.matchesInMemory, true, r.inMemoryMismatch);
      assert.equal(r.carriedOver, 0, 'no row was lost');
      assert.equal(r.replay.mismatches.length, 0);
      // each (iteration, participant) reached the chain once: the contract refused nothing the honest
      // relay sent (a second row would be 'already submitted') and counted one row per meter and iteration
      assert.deepEqual(seen.honestRejected, []);
      assert.equal(seen.honestAccepted, r.iterations * 6);
      assert.ok(r.relayGas > 0n, 'the relay paid the gas');
      const log = r.radio!.relayLog.join('');
      for (const k of r.radio!.meterKeys) assert.ok(!log.includes(k.slice(2)), 'a meter key in the relay log');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
