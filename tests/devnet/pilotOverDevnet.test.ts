// The pilot (operator/runPilot, real agent processes) over the four-validator geth Clique devnet,
// agents spread over different nodes: same iterates as on anvil; and with one validator stopped
// mid-round the round still completes, and the restarted validator catches up to the head.
// Needs geth 1.13.x (fails with install instructions otherwise) and anvil (package dependency).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadScenario } from '../../data/loadScenario.js';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';
import { startDevnet, type Devnet } from '../../network-config/devnet.js';
import { assertCliqueCapableGeth, findGeth } from '../../network-config/gethBinary.js';
import { blockNumberOf, nodesAgreeOnBlock, waitFor } from '../../chain/rpc.js';
import { runPilot, type PilotResult } from '../../operator/pilot.js';

const log = pino({ level: 'silent' });

function assertSameRun(devnet: PilotResult, anvil: PilotResult): void {
  assert.equal(devnet.converged, true, `devnet round status ${devnet.status}`);
  assert.equal(devnet.iterations, anvil.iterations);
  assert.deepEqual(devnet.replay.mismatches, []);
  assert.equal(devnet.replay.storageChecked, devnet.iterations);
  assert.deepEqual(devnet.replay.trades, anvil.replay.trades);
  assert.deepEqual(devnet.replay.states, anvil.replay.states);
  assert.equal(devnet.matchesInMemory, true, devnet.inMemoryMismatch);
}

describe('pilot over the four-validator Clique devnet', function () {
  this.timeout(300_000);
  let dir = '';
  let net: Devnet;
  let onAnvil: PilotResult;
  const { scenario } = loadScenario({ generator: true, prosumers: 3, days: 1, seed: 3 });

  before(async () => {
    const geth = findGeth();
    assertCliqueCapableGeth(geth);
    onAnvil = await runPilot({ scenario, log });
    assert.equal(onAnvil.converged, true);
    dir = mkdtempSync(join(tmpdir(), 'derchain-devnet-pilot-'));
    net = await startDevnet({ dir, validators: 4, periodSeconds: 1, basePort: await freeDevnetBasePort(4), geth });
  });

  after(async () => {
    if (net) await net.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // One pilot run over the devnet serves both tests (a run takes ~2 min at a 1 s block period):
  // validator 3 serves no agent (agent k uses rpcUrls[k % 4], 3 prosumers); it is stopped after
  // iteration 1 and restarted after iteration RESTART_AT, so the round runs for a while on 3 of 4.
  const VICTIM = 3;
  const RESTART_AT = 15;
  let run: { result: PilotResult; stoppedAt: number; restartedAt: number; headAtStop: number; headAtRestart: number; downUntilRestart: boolean } | undefined;

  async function pilotWithValidatorOutage() {
    if (run) return run;
    let stopping: Promise<void> | undefined;
    let restarting: Promise<void> | undefined;
    let stoppedAt = 0;
    let restartedAt = 0;
    let headAtStop = 0;
    let headAtRestart = 0;
    let downUntilRestart = false;
    const result = await runPilot({
      scenario,
      log,
      rpcUrls: net.rpcUrls,
      operatorKey: net.fundedKeyHex,
      blockTime: 1,
      onIteration: (it) => {
        if (it.iteration === 1 && stopping === undefined) {
          stoppedAt = it.iteration;
          stopping = net.stopNode(VICTIM).then(async () => {
            headAtStop = await blockNumberOf(net.rpcUrls[0]);
          });
        } else if (it.iteration >= RESTART_AT && stopping !== undefined && restarting === undefined) {
          restartedAt = it.iteration;
          restarting = stopping.then(async () => {
            headAtRestart = await blockNumberOf(net.rpcUrls[0]);
            downUntilRestart = !net.isRunning(VICTIM);
            await net.startNode(VICTIM);
          });
        }
      },
    });
    await stopping;
    await restarting;
    run = { result, stoppedAt, restartedAt, headAtStop, headAtRestart, downUntilRestart };
    return run;
  }

  it('pilot over the 4-validator devnet gives the same result as on anvil (agents on nodes 0, 1, 2)', async () => {
    const { result } = await pilotWithValidatorOutage();
    assert.deepEqual(result.rpcUrls, net.rpcUrls);
    assertSameRun(result, onAnvil);
    console.log(
      `      devnet pilot: ${result.iterations} iterations, ${result.blocks} blocks, ${result.seconds.toFixed(1)} s (anvil: ${onAnvil.iterations} iterations, ${onAnvil.seconds.toFixed(1)} s)`,
    );
  });

  it('stop one validator mid-round: the round completes; restarted, it catches up to the head', async () => {
    const { result, stoppedAt, restartedAt, headAtStop, headAtRestart, downUntilRestart } = await pilotWithValidatorOutage();
    assert.equal(stoppedAt, 1);
    assert.ok(restartedAt >= RESTART_AT && restartedAt < result.iterations, `restarted at iteration ${restartedAt} of ${result.iterations}`);
    assert.equal(downUntilRestart, true, 'the validator was down until the restart');
    assert.ok(headAtRestart >= headAtStop + 10, `3 of 4 validators sealed ${headAtRestart - headAtStop} blocks during the outage`);
    assert.equal(result.converged, true);
    const head = await blockNumberOf(net.rpcUrls[0]);
    await waitFor(`restarted validator to reach block ${head}`, 60_000, async () => ((await blockNumberOf(net.rpcUrls[VICTIM])) >= head ? true : undefined), 500);
    // the head block can still be replaced by an in-turn competitor: wait until both hold the same one
    await waitFor(`restarted validator and node 0 to agree on block ${head}`, 30_000, () => nodesAgreeOnBlock([net.rpcUrls[VICTIM], net.rpcUrls[0]], head), 500);
  });
});
