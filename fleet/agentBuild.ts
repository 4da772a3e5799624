// `derchain fleet build`: bundles the node agent (fleet/agentEntry.ts, i.e. node-agent/main.ts and
// everything it imports, plus the health-check responder) with esbuild into one self-contained ES
// module, agent.mjs, and writes its manifest (version, sha256, size, protocol versions, minimum
// runtime). The agent reads the coordinator's generated ABI module (no solc on the meter). Reproducible: no timestamps, paths relative to the repository, symlinks not
// followed into the build machine's layout, so the same sources give the same bytes and hash.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';
import { derCoordinatorAbi } from '../contracts/derCoordinatorAbi.js';
import { canonicalJson } from './canonicalJson.js';
import { AGENT_ARTIFACT_FILE, MANIFEST_FILE, MANIFEST_FORMAT, parseManifest, type ReleaseManifest } from './releaseManifest.js';
import { sha256Hex } from './releaseSigning.js';
import { AGENT_DATA_FORMAT, HEALTH_PROTOCOL, MIN_NODE_RUNTIME } from './protocolVersions.js';
import { parseReleaseVersion } from './releaseVersion.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const AGENT_ENTRY = 'fleet/agentEntry.ts';

export interface AgentBuildOptions {
  version: string;
  outDir: string;
  /** entry file relative to the repository (default fleet/agentEntry.ts; tests build faulty agents) */
  entry?: string;
  name?: string;
  /** repository root to build from (default: this checkout) */
  root?: string;
}

export interface AgentBuild {
  manifest: ReleaseManifest;
  artifactFile: string;
  manifestFile: string;
}

/** sha256 of the coordinator ABI the agent speaks, first 16 hex digits. */
export function coordinatorAbiDigest(): string {
  return sha256Hex(new TextEncoder().encode(canonicalJson(derCoordinatorAbi))).slice(0, 16);
}

/** Bundles the agent and writes OUT/agent.mjs and OUT/manifest.json (each via a temporary file). */
export async function buildAgentRelease(o: AgentBuildOptions): Promise<AgentBuild> {
  parseReleaseVersion(o.version);
  const root = o.root ?? REPO_ROOT;
  const entry = o.entry ?? AGENT_ENTRY;
  const result = await build({
    entryPoints: [join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    preserveSymlinks: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { __DERCHAIN_AGENT_VERSION__: JSON.stringify(o.version) },
    // CommonJS dependencies (pino, ...) call require(): give the ES module one
    banner: { js: "import { createRequire as __derchainCreateRequire } from 'node:module'; const require = __derchainCreateRequire(import.meta.url);" },
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output');
  const bytes = out.contents;
  // what went in: every input file's path (relative) and content hash, in sorted order
  const inputs = Object.keys(result.metafile.inputs).sort();
  const digest = inputs
    .map((p) => `${p} ${sha256Hex(readFileSync(join(root, p)))}`)
    .join('\n');
  const manifest = parseManifest({
    format: MANIFEST_FORMAT,
    name: o.name ?? 'derchain-agent',
    version: o.version,
    artifact: { file: AGENT_ARTIFACT_FILE, sha256: sha256Hex(bytes), size: bytes.length },
    protocols: { coordinatorAbi: coordinatorAbiDigest(), health: HEALTH_PROTOCOL, agentData: AGENT_DATA_FORMAT },
    minRuntime: { node: MIN_NODE_RUNTIME },
    build: { bundler: `esbuild ${esbuildVersion}`, entry: relative(root, join(root, entry)), sourceDigest: sha256Hex(new TextEncoder().encode(digest)) },
  });
  mkdirSync(o.outDir, { recursive: true });
  const artifactFile = join(o.outDir, AGENT_ARTIFACT_FILE);
  const manifestFile = join(o.outDir, MANIFEST_FILE);
  writeFileSync(`${artifactFile}.tmp`, bytes);
  renameSync(`${artifactFile}.tmp`, artifactFile);
  writeFileSync(`${manifestFile}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestFile}.tmp`, manifestFile);
  return { manifest, artifactFile, manifestFile };
}
