// `pilot --rolling` on chain: the first clearing and two re-clears on the same contract, each over
// the window shifted one slot, warm-started (prices from the contract's RoundConfig.initialPrices,
// each agent's own target shifted, battery and room temperature carried over by the agent itself);
// every re-clear equals its in-memory twin clearing by clearing and admm/poolRolling.ts's iteration
// count, and each round is settled to zero.
import assert from 'node:assert/strict';
import pino from 'pino';
import { rollingWindow } from '../../admm/poolRolling.js';
import { loadScenario } from '../../data/loadScenario.js';
import { shiftSlots } from '../../node-agent/poolRollingState.js';
import { runPoolPilot } from '../../operator/poolPilot.js';

describe('pool pilot: rolling re-clears on one contract', function () {
  this.timeout(300_000);

  it('re-clears twice, warm-started, each round equal to the in-memory rolling run', async () => {
    const day = loadScenario({ generator: true, prosumers: 3, days: 1, seed: 5 }).scenario;
    const full = rollingWindow(day, 10, 8); // slots 10..17: a window of 6 and two re-clears
    const r = await runPoolPilot({ scenario: full, rolling: { hours: 2, window: 6 }, log: pino({ level: 'silent' }), householdsPerProcess: 3, inMemoryReport: false });
    assert.equal(r.rounds.length, 3);
    assert.deepEqual(r.rounds.map((x) => x.round), [1n, 2n, 3n]);
    for (const x of r.rounds) {
      assert.equal(x.matchesInMemory, true, `re-clear ${x.index}: ${x.inMemoryMismatch}`);
      assert.deepEqual(x.replay.mismatches, []);
      assert.equal(x.settlement.reduce((a, b) => a + b, 0n), 0n);
    }
    assert.deepEqual(r.rounds.map((x) => x.iterations), r.inMemoryRolling!.steps.map((s) => s.iterations));
    assert.equal(r.matchesInMemory, true);
    // warm start: each re-clear opened at the previous round's final prices shifted one slot
    for (let h = 1; h < 3; h++) {
      const prev = r.rounds[h - 1]!.replay.clearings.at(-1)!.prices;
      assert.equal(prev.length, 6);
      assert.deepEqual(r.rounds[h]!.initialPrices, shiftSlots(prev));
      assert.equal(r.rounds[h]!.initialPrices[5], prev[0]);
    }

  });
});
