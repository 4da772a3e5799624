// A pool agent killed in the middle of a round rejoins it: its process is killed (SIGKILL) while
// iteration 3 is open and started again with the same command; the restarted agent rebuilds its
// state from the chain (its own accepted rows and every clearing so far) and resumes at the open
// iteration. Every iteration then closes with all three rows (none carried over at a deadline) and
// every clearing equals the in-memory engine's, where nobody was ever absent.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import pino from 'pino';
import { loadScenario } from '../../data/loadScenario.js';
import { runPoolPilot } from '../../operator/poolPilot.js';

describe('pool pilot: an agent killed mid-round rejoins', function () {
  this.timeout(300_000);

  it('resumes at the open iteration from the chain and the round stays equal to the in-memory run', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 3, days: 1, seed: 5 });
    const submitted: number[] = [];
    let killed: ChildProcess | null = null;
    let restarted: ChildProcess | null = null;
    const r = await runPoolPilot({
      scenario,
      log: pino({ level: 'silent' }),
      inMemoryReport: false,
      onIteration: (it) => submitted.push(it.submitted),
      onOpenIteration: async ({ iteration, agents }) => {
        if (iteration !== 3) return;
        killed = agents.child(1);
        const gone = new Promise((resolve) => killed!.once('exit', resolve));
        killed.kill('SIGKILL');
        await gone;
        restarted = agents.restart(1);
      },
    });
    assert.ok(killed && restarted, 'the agent was killed and restarted');
    assert.equal((killed as ChildProcess).signalCode, 'SIGKILL');
    assert.notEqual((restarted as ChildProcess).pid, (killed as ChildProcess).pid);
    assert.ok(r.iterations > 3, `iterations ${r.iterations}`);
    assert.deepEqual(submitted, new Array(r.iterations).fill(3), 'every iteration closed with all rows');
    assert.deepEqual(r.replay.mismatches, []);
    assert.equal(r.matchesInMemory, true, r.inMemoryMismatch);
    assert.equal(r.settlement.reduce((a, b) => a + b, 0n), 0n);
  });
});
