// The pilot on anvil with real agent processes: the on-chain iterates equal the in-memory
// engine's integer for integer although one agent is killed and restarted mid-round; and a
// prosumer that never submits is covered by the deadline path (advance() reuses its last row).
import assert from 'node:assert/strict';
import pino from 'pino';
import { loadScenario } from '../../data/loadScenario.js';
import { runPilot, type AgentProcess } from '../../operator/pilot.js';

const log = pino({ level: 'silent' });

describe('pilot: agents on anvil', function () {
  this.timeout(150_000);

  it('matches the in-memory engine at every iteration with an agent killed and restarted mid-round', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 3, days: 1, seed: 3 });
    let agents: AgentProcess[] = [];
    let restart: ((k: number) => AgentProcess) | undefined;
    let killedAt = 0;
    let restartedPid = 0;
    const result = await runPilot({
      scenario,
      log,
      onAgentsStarted: (a, r) => {
        agents = a;
        restart = r;
      },
      onIteration: (it) => {
        if (it.iteration === 2 && killedAt === 0) {
          const victim = agents.find((a) => a.index === 1)!;
          victim.process.kill('SIGKILL');
          killedAt = it.iteration;
          setTimeout(() => {
            restartedPid = restart!(1).process.pid ?? 0;
          }, 1500);
        }
      },
    });
    assert.equal(killedAt, 2);
    assert.ok(restartedPid > 0, 'the agent was restarted');
    assert.ok(result.iterations > 3, `the round ran past the restart (${result.iterations} iterations)`);
    assert.equal(result.converged, true);
    assert.deepEqual(result.replay.mismatches, []);
    assert.equal(result.replay.storageChecked, result.iterations);
    assert.equal(result.matchesInMemory, true, result.inMemoryMismatch);
    // the restarted agent submitted itself (no reused rows: it picked up at the chain's iteration)
    assert.equal(result.replay.trades.length, result.iterations);
    assert.ok(result.gasPerIteration.every((g) => g > 0n));
  });

  it('completes iterations for a prosumer that never submits (deadline path)', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 3, days: 1, seed: 3 });
    const result = await runPilot({
      scenario,
      log,
      absent: [2],
      deadlineBlocks: 3,
      stallMs: 5000,
      admm: { maxIterations: 3 },
    });
    assert.ok(result.iterations >= 2 && result.iterations <= 3, `iterations ${result.iterations}, status ${result.status}`);
    assert.deepEqual(result.replay.mismatches, []);
    assert.equal(result.replay.storageChecked, result.iterations);
    // participant 2's trades are zeros in every iteration (never submitted: zeros reused)
    const n = 3;
    const t = scenario.horizon;
    for (const trades of result.replay.trades) {
      for (let j = 0; j < 2; j++) for (let s = 0; s < t; s++) assert.equal(trades[(2 * n + j) * t + s], 0n);
    }
    // the others did trade
    assert.ok(result.replay.trades[1].some((v) => v !== 0n));
    assert.equal(result.matchesInMemory, false); // an absent prosumer cannot match a full in-memory run
  });
});
