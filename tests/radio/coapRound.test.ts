// The NB-IoT path: 10 meters post their signed rows over CoAP on loopback UDP (block-wise, 64-byte
// blocks) and take the clearing from the piggybacked response: the same integers as the engine.
import assert from 'node:assert/strict';
import pino from 'pino';
import { loadScenario } from '../../data/loadScenario.js';
import { runPool } from '../../admm/poolEngine.js';
import { runCoapRound } from '../../radio/simulator/coapRound.js';

describe('radio: a pool round over CoAP', function () {
  this.timeout(180_000);
  it('10 meters over loopback UDP give the in-memory engine\'s result', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 10, days: 1, seed: 3 });
    const ref = runPool(scenario, { centralized: false });
    const r = await runCoapRound({ scenario, log: pino({ level: 'silent' }) });
    assert.equal(r.iterations, ref.iterations);
    assert.deepEqual(r.prices.map(String), ref.pool.fixed.prices.map(String));
    assert.deepEqual(r.rows.map((x) => Array.from(x)), ref.pool.fixed.rows);
    console.log(`      CoAP: ${r.iterations} iterations, ${r.requests} requests, ${(r.wallMs / 1000).toFixed(1)} s`);
  });
});
