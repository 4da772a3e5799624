// The meter's supervisor against a real gateway service (HTTP and CoAP on 127.0.0.1): it installs a
// signed and approved release into the inactive slot and switches; it refuses a tampered artifact,
// an unsigned release, a hash the consortium has not approved, and a version below the highest it
// has run; a release that crashes on start is switched back; a revoked hash makes it switch back.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HostedAgentRunner, ProcessAgentRunner } from '../../fleet/agentRunner.js';
import { CoapGatewayLink, HttpGatewayLink } from '../../fleet/gatewayLink.js';
import { GatewayService } from '../../fleet/gatewayService.js';
import { MeterSupervisor } from '../../fleet/meterSupervisor.js';
import { buildSigned, CRASHING_ENTRY, MemoryApprovals, releaseWorkspace, type BuiltRelease } from './releaseFixtures.js';

describe('meter supervisor (A/B slots) behind a gateway', function () {
  this.timeout(120_000);
  const { root, key } = releaseWorkspace();
  const approvals = new MemoryApprovals();
  let gw: GatewayService;
  let v1: BuiltRelease;
  let v2: BuiltRelease;
  let v3: BuiltRelease;
  let bad: BuiltRelease;
  let n = 0;
  const meter = (transport: 'http' | 'coap' = 'http', runner = new HostedAgentRunner()) =>
    new MeterSupervisor({
      meterId: `m${n++}`,
      dir: join(root, `meter-${n}`),
      trustedKeys: [key.publicKey],
      gateway: transport === 'coap' ? new CoapGatewayLink('127.0.0.1', gw.coapPort) : new HttpGatewayLink(gw.httpUrl),
      runner,
    });

  before(async () => {
    [v1, v2, v3, bad] = [await buildSigned(root, key, '1.0.0'), await buildSigned(root, key, '1.1.0'), await buildSigned(root, key, '1.2.0'), await buildSigned(root, key, '1.3.0', CRASHING_ENTRY)];
    gw = new GatewayService({ id: 'gw-test', approvals, controlToken: 't', approvalTtlMs: 0 });
    await gw.listen();
    for (const r of [v1, v2, v3, bad]) gw.publish(r.signed, readFileSync(r.artifactFile));
    for (const r of [v1, v2, bad]) approvals.approved.add(r.hash);
  });
  after(async () => {
    await gw?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('installs an approved, signed release into slot A, the next into slot B, over HTTP', async () => {
    const m = meter();
    const r1 = await m.install(v1.hash);
    assert.equal(r1.outcome, 'installed', JSON.stringify(r1));
    assert.equal(m.status.active, 'A');
    const r2 = await m.install(v2.hash);
    assert.equal(r2.outcome, 'installed');
    assert.equal(m.status.active, 'B');
    assert.equal(m.status.slots.A?.version, '1.0.0');
    assert.equal(readFileSync(join(m.slotDir('B'), 'agent.mjs')).length, v2.manifest.artifact.size);
    assert.equal((await m.install(v2.hash)).outcome, 'already-active');
    assert.equal(m.status.highestVersion, '1.1.0');
    // the state survives a supervisor restart
    const again = new MeterSupervisor({ ...m.o });
    assert.equal(again.active?.hash, v2.hash);
  });

  it('downloads over CoAP block-wise transfer (NB-IoT meters)', async () => {
    const before = gw.served.coap;
    const link = new CoapGatewayLink('127.0.0.1', gw.coapPort);
    const m = new MeterSupervisor({ meterId: 'nb1', dir: join(root, 'nb1'), trustedKeys: [key.publicKey], gateway: link, runner: new HostedAgentRunner() });
    const r = await m.install(v1.hash);
    assert.equal(r.outcome, 'installed', JSON.stringify(r));
    assert.equal(gw.served.coap - before, v1.manifest.artifact.size);
    assert.equal(link.lastBlocks, Math.ceil(v1.manifest.artifact.size / 1024));
    assert.ok(link.lastBlocks > 100);
  });

  it('refuses a tampered artifact, an unsigned release and an unapproved hash, and keeps running what it had', async () => {
    const m = meter();
    await m.install(v1.hash);
    // tampered: the gateway serves other bytes under v2's hash
    const tampered = Buffer.from(readFileSync(v2.artifactFile));
    tampered[tampered.length - 10] ^= 1;
    gw.replaceRelease(v2.hash, v2.signed, tampered);
    const t = await m.install(v2.hash);
    assert.equal(t.outcome, 'refused');
    assert.equal(t.reason, 'hash-mismatch');
    // unsigned: the manifest without its signature
    gw.replaceRelease(v2.hash, { ...v2.signed, signature: '' }, readFileSync(v2.artifactFile));
    assert.equal((await m.install(v2.hash)).reason, 'unsigned');
    gw.replaceRelease(v2.hash, v2.manifest, readFileSync(v2.artifactFile));
    assert.equal((await m.install(v2.hash)).reason, 'unsigned');
    gw.publish(v2.signed, readFileSync(v2.artifactFile));
    // signed and intact, but the consortium never approved 1.2.0
    const u = await m.install(v3.hash);
    assert.equal(u.outcome, 'refused');
    assert.equal(u.reason, 'not-approved');
    assert.equal(m.active?.hash, v1.hash);
    assert.equal(m.status.installs, 1);
    assert.ok(!existsSync(join(m.slotDir('B'), 'agent.mjs')), 'nothing was written to the inactive slot');
  });

  it('never installs a version below the highest it has run', async () => {
    const m = meter();
    await m.install(v1.hash);
    await m.install(v2.hash);
    // 1.0.0 is still approved and signed: installing it again would be a rollback
    const back = await m.install(v1.hash);
    assert.equal(back.outcome, 'refused');
    assert.equal(back.reason, 'rollback');
  });

  it('switches back when the new release crashes on start (a real process, crash loop)', async () => {
    const m = meter('http', new ProcessAgentRunner());
    await m.install(v1.hash);
    const r = await m.install(bad.hash);
    assert.equal(r.outcome, 'rolled-back');
    assert.equal(r.reason, 'crash-loop');
    assert.equal(m.active?.version, '1.0.0');
    assert.equal(m.status.highestVersion, '1.0.0', 'a failed release does not raise the rollback floor');
    assert.ok(gw.reports.some((x) => x.meter === m.id && x.event === 'rolled-back'), 'reported to the gateway');
  });

  it('switches back when the running hash is revoked on chain', async () => {
    const m = meter();
    await m.install(v1.hash);
    await m.install(v2.hash);
    assert.equal((await m.checkRevocation()).outcome, 'already-active');
    approvals.revoked.add(v2.hash);
    try {
      const r = await m.checkRevocation();
      assert.equal(r.outcome, 'reverted');
      assert.equal(m.active?.version, '1.0.0');
      // and the revoked hash cannot come back
      assert.equal((await m.install(v2.hash)).reason, 'revoked');
    } finally {
      approvals.revoked.delete(v2.hash);
    }
  });
});
