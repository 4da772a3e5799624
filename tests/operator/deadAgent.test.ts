// One dead agent must not slow the pilot to one iteration per minute (issue 14, defect 3): with
// a prosumer whose agent never runs and the default stall settings, the pilot brings the deadline
// forward a few seconds after every live agent has submitted. Before the fix each iteration
// waited the 60 s stall, so three iterations could not finish within this test's timeout.
import assert from 'node:assert/strict';
import pino from 'pino';
import { loadScenario } from '../../data/loadScenario.js';
import { runPilot } from '../../operator/pilot.js';

describe('pilot: a dead agent', function () {
  this.timeout(100_000);

  it('iterates promptly on the deadline path with the default stall settings', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 3, days: 1, seed: 3 });
    const completed: number[] = [];
    const result = await runPilot({
      scenario,
      log: pino({ level: 'silent' }),
      absent: [1],
      admm: { maxIterations: 4 },
      onIteration: (it) => completed.push(it.iteration),
    });
    assert.deepEqual(completed, [1, 2, 3, 4].slice(0, result.iterations));
    assert.ok(result.iterations >= 3, `iterations ${result.iterations}`);
    assert.deepEqual(result.replay.mismatches, []);
  });
});
