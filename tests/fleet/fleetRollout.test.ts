// Acceptance: a simulated fleet of 100 meters on two gateways (tests/fleet/simulatedFleet.ts; four
// meters start the agent as real processes, the rest host it in-process), release approval on an
// anvil chain through the CLI (`derchain releases`), the rollout controller in waves.
// - a good release rolls out in waves to every meter (the time is printed);
// - a release that crashes on start is stopped in the canary wave; every meter is back on the
//   version it ran; no meter outside the canary was touched;
// - a controller process killed (SIGKILL) mid-rollout is started again and resumes where it
//   stopped: every meter ends on the release, none installed it twice;
// - a revocation through the CLI makes every meter running the revoked hash switch back.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Hex } from 'viem';
import { register as registerFleet } from '../../cli/commands/fleet.js';
import { ChainApprovals } from '../../fleet/chainApprovals.js';
import { RolloutController } from '../../fleet/rolloutController.js';
import { readRolloutState, type RolloutState } from '../../fleet/rolloutState.js';
import type { RolloutStatusView } from '../../fleet/rolloutStatus.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { runCli } from '../governance/cliInProcess.js';
import { startAnvil, type AnvilChain } from '../governance/anvilChain.js';
import { buildSigned, CRASHING_ENTRY, releaseWorkspace, type BuiltRelease } from './releaseFixtures.js';
import { approveByCli, revokeByCli, type Consortium } from './releaseVotes.js';
import { startFleet, type SimulatedFleet } from './simulatedFleet.js';

const TOKEN = 'fleet-test-control-token';
const CLI = join(process.cwd(), 'bin', 'derchain.mjs');

describe('fleet rollout: 100 meters, 2 gateways, approvals on anvil', function () {
  this.timeout(300_000);
  const { root, key } = releaseWorkspace();
  let chain: AnvilChain;
  let consortium: Consortium;
  let fleet: SimulatedFleet;
  let r110: BuiltRelease, r120bad: BuiltRelease, r130: BuiltRelease;
  const waves = { canaryPercent: 5, incrementFactor: 2, baseRatePerMinute: 6000, maximumPerMinute: 60_000 };
  const abort = { failurePercent: 20, minExecuted: 3 };
  const gatewayUrls = () => fleet.gateways.map((g) => g.httpUrl);
  const versions = () => {
    const count = new Map<string, number>();
    for (const m of fleet.meters) count.set(m.active?.version ?? '-', (count.get(m.active?.version ?? '-') ?? 0) + 1);
    return Object.fromEntries(count);
  };
  const rollout = async (release: BuiltRelease, name: string, hooks = {}) => {
    const c = await RolloutController.create({ stateFile: join(root, `${name}.json`), releaseDir: release.dir, gatewayUrls: gatewayUrls(), token: TOKEN, waveOptions: waves, abort, concurrency: 8 }, hooks);
    return c.run();
  };

  before(async () => {
    chain = await startAnvil(3);
    const d = chain.accounts[0]!;
    const governance = await deployGovernance(d.publicClient, d.walletClient!, {
      members: chain.accounts.map((c, i) => ({ address: c.walletClient!.account.address, name: `Utility ${i}` })),
      validators: [{ address: d.walletClient!.account.address, enode: '', label: 'v0' }],
      votingPeriodSeconds: 3600,
    });
    consortium = { rpcUrls: [chain.rpcUrl], governance, keys: chain.keys as Hex[] };
    r110 = await buildSigned(root, key, '1.1.0');
    r120bad = await buildSigned(root, key, '1.2.0', CRASHING_ENTRY);
    r130 = await buildSigned(root, key, '1.3.0');
    for (const r of [r110, r120bad, r130]) await approveByCli(consortium, r.artifactFile, `agent ${r.manifest.version}`);
    fleet = await startFleet({
      gateways: 2,
      metersPerGateway: 50,
      processMeters: 2,
      approvals: await ChainApprovals.connect(chain.rpcUrl, governance),
      trustedKeys: [key.publicKey],
      token: TOKEN,
    });
  });
  after(async () => {
    await fleet?.close();
    await chain?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('rolls a good release out in waves to every meter (the fleet\'s first deployment), across both gateways', async () => {
    const t0 = performance.now();
    const s = await rollout(r110, 'good');
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(s.status, 'completed', s.abortReason);
    assert.deepEqual(versions(), { '1.1.0': 100 });
    assert.deepEqual(s.waves.map((w) => w.meters.length), [5, 10, 20, 40, 25]);
    assert.deepEqual(s.waves.map((w) => w.ratePerMinute), [6000, 12000, 24000, 48000, 60000]);
    for (let i = 1; i < s.waves.length; i++) assert.ok(s.waves[i]!.startedAt! >= s.waves[i - 1]!.finishedAt!, 'a wave starts after the previous one passed its gate');
    assert.deepEqual(new Set(s.waves[0]!.meters.map((id) => s.meters[id]!.gateway)), new Set(['gw0', 'gw1']), 'the canary spans the gateways');
    // fleet status --json: per wave, per gateway, per version
    const st = await runCli(registerFleet, ['fleet', 'status', '--state', join(root, 'good.json'), '--json']);
    assert.equal(st.exitCode, 0, st.stderr);
    const view = JSON.parse(st.stdout) as RolloutStatusView;
    assert.deepEqual(view.gateways.map((g) => [g.gateway, g.updated]), [['gw0', 50], ['gw1', 50]]);
    assert.deepEqual(view.versions, [{ version: '1.1.0', meters: 100 }]);
    const report = join(root, 'good.html');
    assert.equal((await runCli(registerFleet, ['fleet', 'report', '--state', join(root, 'good.json'), '--out', report])).exitCode, 0);
    assert.match(readFileSync(report, 'utf8'), /"id":"waves"/);
    console.log(`      good release 1.1.0 to 100 meters in ${s.waves.length} waves: ${seconds.toFixed(1)} s (${s.waves.map((w) => `${w.name} ${((Date.parse(w.finishedAt!) - Date.parse(w.startedAt!)) / 1000).toFixed(1)} s`).join(', ')})`);
  });

  it('stops a release that crashes on start in the canary wave; every meter is back on 1.1.0', async () => {
    const installsBefore = new Map(fleet.meters.map((m) => [m.id, m.status.installs]));
    const s = await rollout(r120bad, 'bad');
    assert.equal(s.status, 'aborted');
    assert.match(s.abortReason ?? '', /canary/);
    const touched = Object.entries(s.meters).filter(([, m]) => m.progress !== 'pending');
    assert.ok(touched.every(([id]) => s.waves[0]!.meters.includes(id)), 'only canary meters got the release');
    assert.ok(touched.every(([, m]) => m.progress === 'failed' && /crash-loop/.test(m.detail ?? '')), JSON.stringify(touched.map(([, m]) => m.detail)));
    assert.deepEqual(versions(), { '1.1.0': 100 });
    for (const m of fleet.meters) if (!s.waves[0]!.meters.includes(m.id)) assert.equal(m.status.installs, installsBefore.get(m.id));
    const reports = fleet.gateways.flatMap((g) => g.reports).filter((r) => r.event === 'rolled-back' && r.version === '1.2.0');
    assert.equal(reports.length, touched.length, 'each failed meter reported its rollback through its gateway');
  });

  it('resumes where it stopped after the controller process is killed mid-rollout', async () => {
    const state = join(root, 'resume.json');
    const installsBefore = new Map(fleet.meters.map((m) => [m.id, m.status.installs]));
    const args = ['fleet', 'rollout', '--state', state, '--release', r130.dir, '--gateway', ...gatewayUrls(), '--canary', '5', '--base-rate', '300', '--max-per-minute', '600', '--concurrency', '2'];
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DERCHAIN_GATEWAY_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const updated = (s?: RolloutState) => (s ? Object.values(s.meters).filter((m) => m.progress === 'updated').length : 0);
    const started = Date.now();
    for (;;) {
      const s = existsSync(state) ? readRolloutState(state) : undefined;
      if (updated(s) >= 25) break;
      if (child.exitCode !== null) assert.fail(`the controller exited early: ${stderr}`);
      if (Date.now() - started > 120_000) assert.fail('no progress');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 1500)); // jobs the gateways had in hand finish
    const atKill = readRolloutState(state)!;
    assert.equal(atKill.status, 'running');
    const left = Object.values(atKill.meters).filter((m) => m.progress === 'pending').length;
    assert.ok(left > 0, 'killed before the end');
    const again = await runCli(registerFleet, ['fleet', 'rollout', '--state', state, '--json'], { DERCHAIN_GATEWAY_TOKEN: TOKEN });
    assert.equal(again.exitCode, 0, again.stderr);
    const s = readRolloutState(state)!;
    assert.equal(s.status, 'completed');
    assert.deepEqual(versions(), { '1.3.0': 100 });
    for (const m of fleet.meters) assert.equal(m.status.installs, installsBefore.get(m.id)! + 1, `${m.id} installed 1.3.0 exactly once`);
    assert.ok(s.events.some((e) => /resumed|restarted/.test(e.text)));
    console.log(`      killed with ${100 - left} meters done or in flight, ${left} pending; the restarted controller finished the rest`);
  });

  it('a revocation through the CLI makes every meter running the revoked release switch back', async () => {
    await revokeByCli(consortium, r130.artifactFile, 'field reports: wrong tariff slots');
    for (const g of fleet.gateways) await g.heartbeat();
    assert.deepEqual(versions(), { '1.1.0': 100 });
    assert.ok(fleet.meters.every((m) => m.status.history.some((h) => h.event === 'reverted' && /revoked/.test(h.detail ?? ''))));
  });
});
