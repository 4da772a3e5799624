// `fleet build` and release signatures: the bundle is reproducible (same sources, same sha256; a
// different version, a different one), self-contained (runs from a directory without node_modules
// and answers the health check as a real process), and a crashing release is seen as a crash loop.
// Signatures: a changed manifest, an unknown key, an expired or a missing signature are refused.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HEALTH_LIMITS, ProcessAgentRunner } from '../../fleet/agentRunner.js';
import { buildAgentRelease } from '../../fleet/agentBuild.js';
import { generateReleaseKey, ReleaseRejectedError, sha256Hex, signRelease, verifySignedRelease } from '../../fleet/releaseSigning.js';
import { buildSigned, CRASHING_ENTRY, releaseWorkspace, type BuiltRelease } from './releaseFixtures.js';

describe('fleet build and release signatures', function () {
  this.timeout(120_000);
  const { root, key } = releaseWorkspace();
  let good: BuiltRelease;

  before(async () => {
    good = await buildSigned(root, key, '1.4.0');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('is reproducible: the same sources give the same bytes; another version another hash', async () => {
    const again = await buildAgentRelease({ version: '1.4.0', outDir: join(root, 'again') });
    assert.equal(again.manifest.artifact.sha256, good.hash);
    assert.deepEqual(again.manifest, good.manifest);
    assert.equal(sha256Hex(readFileSync(again.artifactFile)), good.hash);
    const other = await buildAgentRelease({ version: '1.4.1', outDir: join(root, 'other') });
    assert.notEqual(other.manifest.artifact.sha256, good.hash);
    assert.equal(other.manifest.build.sourceDigest, good.manifest.build.sourceDigest, 'the same sources');
  });

  it('writes a manifest with version, sha256, size, protocols and minimum runtime', () => {
    const m = good.manifest;
    assert.equal(m.version, '1.4.0');
    assert.equal(m.artifact.size, readFileSync(good.artifactFile).length);
    assert.match(m.protocols.coordinatorAbi, /^[0-9a-f]{16}$/);
    assert.equal(m.protocols.health, 1);
    assert.equal(m.minRuntime.node, '20.19.0');
    assert.match(m.build.bundler, /^esbuild 0\.28\.2$/);
    assert.ok(!readFileSync(good.artifactFile, 'utf8').includes('/work/'), 'no build-machine paths in the bundle');
  });

  it('runs without node_modules and passes the health check as a real process', async () => {
    const alone = join(root, 'standalone');
    mkdirSync(alone);
    copyFileSync(good.artifactFile, join(alone, 'agent.mjs'));
    const r = await new ProcessAgentRunner().healthCheck({ artifactFile: join(alone, 'agent.mjs'), sha256: good.hash, expectedVersion: '1.4.0', limits: DEFAULT_HEALTH_LIMITS });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.starts, 1);
    assert.ok((r.solveMs ?? 0) > 0);
    const wrongVersion = await new ProcessAgentRunner().healthCheck({ artifactFile: join(alone, 'agent.mjs'), sha256: good.hash, expectedVersion: '1.5.0', limits: DEFAULT_HEALTH_LIMITS });
    assert.equal(wrongVersion.failure, 'version');
  });

  it('sees a release that dies at start-up as a crash loop', async () => {
    const bad = await buildSigned(root, key, '1.5.0', CRASHING_ENTRY);
    const r = await new ProcessAgentRunner().healthCheck({ artifactFile: bad.artifactFile, sha256: bad.hash, expectedVersion: '1.5.0', limits: DEFAULT_HEALTH_LIMITS });
    assert.equal(r.ok, false);
    assert.equal(r.failure, 'crash-loop');
    assert.equal(r.starts, 3);
    assert.match(r.detail ?? '', /configuration key "round" missing/);
  });

  it('verifies the signature and refuses changed, unsigned, foreign-key and expired releases', () => {
    const trusted = [key.publicKey];
    assert.equal(verifySignedRelease(good.signed, trusted).manifest.version, '1.4.0');
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        assert.ok(err instanceof ReleaseRejectedError, String(err));
        return err.reason;
      }
      return 'accepted';
    };
    const changed = structuredClone(good.signed);
    changed.signed.manifest.artifact.sha256 = 'f'.repeat(64);
    assert.equal(reason(() => verifySignedRelease(changed, trusted)), 'bad-signature');
    assert.equal(reason(() => verifySignedRelease({ ...good.signed, signature: '' }, trusted)), 'unsigned');
    assert.equal(reason(() => verifySignedRelease(good.manifest, trusted)), 'unsigned');
    assert.equal(reason(() => verifySignedRelease(good.signed, [generateReleaseKey().publicKey])), 'unknown-key');
    const stale = signRelease(good.manifest, key, new Date(Date.now() - 1000));
    assert.equal(reason(() => verifySignedRelease(stale, trusted)), 'expired');
    assert.equal(reason(() => verifySignedRelease(good.signed, trusted, new Date(Date.now() + 31 * 86_400_000))), 'expired');
  });
});
