// The manifest of one node-agent release: which file, its sha256 and size, the version, the protocol
// versions it speaks and the runtime it needs. Written by `derchain fleet build` next to the bundle;
// deterministic (no timestamps, no paths of the build machine), so the same sources give the same
// manifest. The release manager signs it (fleet/releaseSigning.ts); the consortium approves the
// artifact's sha256 on chain.
import { z } from 'zod';
import { isReleaseVersion } from './releaseVersion.js';

export const MANIFEST_FORMAT = 'derchain-release-1';
export const AGENT_ARTIFACT_FILE = 'agent.mjs';
export const MANIFEST_FILE = 'manifest.json';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 as 64 lowercase hex digits');

export const releaseManifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    name: z.string().min(1).max(64),
    version: z.string().refine(isReleaseVersion, 'MAJOR.MINOR.PATCH'),
    artifact: z
      .object({
        file: z.string().regex(/^[A-Za-z0-9._-]+$/),
        sha256: sha256Hex,
        size: z.number().int().positive().max(64 * 1024 * 1024),
      })
      .strict(),
    protocols: z
      .object({
        /** sha256 of the coordinator ABI the agent was built against (first 16 hex digits) */
        coordinatorAbi: z.string().regex(/^[0-9a-f]{16}$/),
        health: z.number().int().positive(),
        agentData: z.number().int().positive(),
      })
      .strict(),
    minRuntime: z.object({ node: z.string().regex(/^\d+\.\d+\.\d+$/) }).strict(),
    build: z.object({ bundler: z.string(), entry: z.string(), sourceDigest: sha256Hex }).strict(),
  })
  .strict();

export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

/** Parses a manifest; the error names the field. */
export function parseManifest(raw: unknown, where = 'manifest'): ReleaseManifest {
  const r = releaseManifestSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${where}: field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

/** true when this Node.js version satisfies the manifest's minimum runtime */
export function runtimeSatisfies(manifest: ReleaseManifest, nodeVersion = process.versions.node): boolean {
  const have = nodeVersion.split('.').map(Number);
  const need = manifest.minRuntime.node.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) > need[i]!;
  return true;
}
