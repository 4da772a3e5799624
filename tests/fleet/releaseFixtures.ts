// Test support: agent releases built once per test run (the real agent at several versions, and a
// release that crashes on start), signed by a throwaway release-manager key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentRelease, type AgentBuild } from '../../fleet/agentBuild.js';
import { generateReleaseKey, signRelease, SIGNED_RELEASE_FILE, type ReleaseKeyPair, type SignedRelease } from '../../fleet/releaseSigning.js';
import type { ReleaseApprovalSource, ReleaseApprovalStatus } from '../../fleet/releaseApproval.js';

export interface BuiltRelease extends AgentBuild {
  dir: string;
  signed: SignedRelease;
  hash: string;
}

export const CRASHING_ENTRY = 'tests/fleet/fixtures/crashOnStartAgent.ts';
const DAY = 86_400_000;

export async function buildSigned(root: string, key: ReleaseKeyPair, version: string, entry?: string): Promise<BuiltRelease> {
  const dir = join(root, `${version}${entry ? '-bad' : ''}`);
  const b = await buildAgentRelease({ version, outDir: dir, ...(entry ? { entry } : {}) });
  const signed = signRelease(b.manifest, key, new Date(Date.now() + 30 * DAY));
  writeFileSync(join(dir, SIGNED_RELEASE_FILE), JSON.stringify(signed));
  return { ...b, dir, signed, hash: b.manifest.artifact.sha256 };
}

export function releaseWorkspace(): { root: string; key: ReleaseKeyPair } {
  return { root: mkdtempSync(join(tmpdir(), 'derchain-releases-')), key: generateReleaseKey() };
}

/** Approvals held in memory (unit tests of the supervisor; the rollout tests read the chain). */
export class MemoryApprovals implements ReleaseApprovalSource {
  readonly approved = new Set<string>();
  readonly revoked = new Set<string>();
  async status(hash: string): Promise<ReleaseApprovalStatus> {
    return { hash, approved: this.approved.has(hash), revoked: this.revoked.has(hash) };
  }
}
