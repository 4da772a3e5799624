// pause, resume and abort through the control file (what `fleet pause|resume|abort` write): a
// paused rollout stops before its next meter and continues when resumed; an abort switches every
// meter that had taken the release back to its previous version. Eight meters, one gateway.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { register as registerFleet } from '../../cli/commands/fleet.js';
import { RolloutController } from '../../fleet/rolloutController.js';
import { countProgress, type RolloutState } from '../../fleet/rolloutState.js';
import { runCli } from '../governance/cliInProcess.js';
import { buildSigned, MemoryApprovals, releaseWorkspace, type BuiltRelease } from './releaseFixtures.js';
import { startFleet, type SimulatedFleet } from './simulatedFleet.js';

describe('rollout control: pause, resume, abort', function () {
  this.timeout(180_000);
  const { root, key } = releaseWorkspace();
  const approvals = new MemoryApprovals();
  let fleet: SimulatedFleet;
  let v1: BuiltRelease;
  let v2: BuiltRelease;
  const opts = (name: string, release: BuiltRelease) => ({
    stateFile: join(root, `${name}.json`),
    releaseDir: release.dir,
    gatewayUrls: fleet.gateways.map((g) => g.httpUrl),
    token: 't',
    waveOptions: { canaryCount: 1, incrementFactor: 2, baseRatePerMinute: 600, maximumPerMinute: 6000 },
    abort: { failurePercent: 20, minExecuted: 2 },
    concurrency: 1,
  });
  const control = (state: string, command: string) => runCli(registerFleet, ['fleet', command, '--state', state]);

  before(async () => {
    [v1, v2] = [await buildSigned(root, key, '3.0.0'), await buildSigned(root, key, '3.1.0')];
    for (const r of [v1, v2]) approvals.approved.add(r.hash);
    fleet = await startFleet({ gateways: 1, metersPerGateway: 8, approvals, trustedKeys: [key.publicKey], token: 't' });
    for (const g of fleet.gateways) for (const r of [v1, v2]) g.publish(r.signed, readFileSync(r.artifactFile));
    for (const m of fleet.meters) assert.equal((await m.install(v1.hash)).outcome, 'installed');
  });
  after(async () => {
    await fleet?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('aborted after three meters took the release: those three switch back, the rest never get it', async () => {
    const o = opts('abort', v2);
    let requested = false;
    const c = await RolloutController.create(o, {
      onChange: (s: RolloutState) => {
        if (!requested && countProgress(Object.values(s.meters)).updated === 3) {
          requested = true;
          void control(o.stateFile, 'abort');
        }
      },
    });
    const s = await c.run();
    assert.equal(s.status, 'aborted');
    const counts = countProgress(Object.values(s.meters));
    assert.ok(counts.reverted >= 3, JSON.stringify(counts));
    assert.equal(counts.updated, 0);
    assert.ok(fleet.meters.every((m) => m.active?.version === '3.0.0'));
    assert.equal((await control(o.stateFile, 'resume')).exitCode, 2, 'an aborted rollout cannot be resumed');
  });

  it('paused before its next meter, and completed once resumed', async () => {
    const o = opts('pause', v2);
    let paused = false;
    const c = await RolloutController.create(o, {
      onChange: (s: RolloutState) => {
        if (!paused && countProgress(Object.values(s.meters)).updated === 2) {
          paused = true;
          void control(o.stateFile, 'pause');
        }
      },
    });
    const s1 = await c.run();
    assert.equal(s1.status, 'paused');
    const during = countProgress(Object.values(s1.meters));
    assert.ok(during.updated >= 2 && during.updated < 8, JSON.stringify(during));
    await new Promise((r) => setTimeout(r, 5)); // a later control time stamp
    assert.equal((await control(o.stateFile, 'resume')).exitCode, 0);
    const s2 = await RolloutController.resume(o.stateFile, 't').run();
    assert.equal(s2.status, 'completed');
    assert.ok(fleet.meters.every((m) => m.active?.version === '3.1.0'));
  });
});
