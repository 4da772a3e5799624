// The pool pilot with every household sending its own transactions (`submit`, its own funded
// key) and two households sharing one agent process: every clearing equals the in-memory engine's,
// the round is settled on chain and the amounts sum to zero.
import assert from 'node:assert/strict';
import pino from 'pino';
import { loadScenario } from '../../data/loadScenario.js';
import { runPoolPilot } from '../../operator/poolPilot.js';

describe('pool pilot: households submitting themselves', function () {
  this.timeout(300_000);

  it('matches the in-memory engine clearing by clearing and settles to zero', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 2, days: 1, seed: 5 });
    const r = await runPoolPilot({ scenario, log: pino({ level: 'silent' }), submit: 'own', householdsPerProcess: 2, inMemoryReport: false });
    assert.equal(r.processes, 1);
    assert.deepEqual(r.replay.mismatches, []);
    assert.equal(r.matchesInMemory, true, r.inMemoryMismatch);
    assert.equal(r.converged, true);
    assert.equal(r.replay.signaturesChecked, 2 * r.iterations); // every row came by submit from its own account
    assert.equal(r.settlement.length, 2);
    assert.equal(r.settlement[0]! + r.settlement[1]!, 0n);
    assert.ok(r.settlement[0] !== 0n);
    assert.ok(r.gasPerIteration.every((g) => g > 0n));
  });
});
