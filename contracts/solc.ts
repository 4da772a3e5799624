// The project's one wrapper around solc-js (0.8.30): compiles a contract from contracts/ (imports
// resolved inside contracts/), EVM "paris" (no PUSH0: geth 1.13 Clique and Besu run it), and caches
// the artifact under .derchain/build/<name>-<sha256 of sources, settings, compiler>.json so later
// runs skip the compiler. Used by contracts/compileCoordinator.ts (DerCoordinator, PoolCoordinator),
// governance/compile.ts (Governance) and the ABI module generator (contracts/generateAbiModules.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';
import type { Abi, Hex } from 'viem';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CONTRACTS_DIR = join(REPO_ROOT, 'contracts');
export const BUILD_CACHE_DIR = join(REPO_ROOT, '.derchain', 'build');

/** One entry of solc's storageLayout output. */
export interface StorageEntry {
  label: string;
  slot: string;
  offset: number;
  type: string;
}

export interface StorageLayout {
  storage: StorageEntry[];
  types: Record<string, { encoding: string; label: string; numberOfBytes: string; members?: StorageEntry[] }>;
}

export interface CompileRequest {
  /** source file in contracts/, e.g. 'PoolCoordinator.sol' */
  file: string;
  /** contract name inside it */
  contract: string;
  /** Yul IR pipeline (the coordinators use it; Governance does not) */
  viaIR: boolean;
  /** also return the storage layout */
  storageLayout?: boolean;
}

export interface ContractArtifact {
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
  /** byte ranges of the runtime code that the constructor fills with immutables (differ per deployment) */
  immutableRanges: { start: number; length: number }[];
  storageLayout?: StorageLayout;
  solcVersion: string;
  sourceHash: string;
}

/** The compiler settings of a request (part of the cache key). */
export function solcSettings(req: CompileRequest) {
  const outputs = ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.immutableReferences'];
  if (req.storageLayout) outputs.push('storageLayout');
  return {
    evmVersion: 'paris',
    optimizer: { enabled: true, runs: 200 },
    ...(req.viaIR ? { viaIR: true } : {}),
    outputSelection: { '*': { '*': outputs } },
  };
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string; immutableReferences?: Record<string, { start: number; length: number }[]> } }; storageLayout?: StorageLayout }>>;
}

/** Reads `file` and every file it imports (relative, inside contracts/), keyed by their contracts/-relative names. */
export function collectSources(file: string, dir = CONTRACTS_DIR): Record<string, { content: string }> {
  const out: Record<string, { content: string }> = {};
  const visit = (name: string) => {
    if (out[name]) return;
    const path = normalize(join(dir, name));
    if (!path.startsWith(dir)) throw new Error(`import ${name} leaves contracts/`);
    const content = readFileSync(path, 'utf8');
    out[name] = { content };
    for (const m of content.matchAll(/^\s*import\s+(?:[^"']*from\s+)?["']([^"']+)["']/gm)) visit(normalize(join(dirname(name), m[1]!)));
  };
  visit(file);
  return out;
}

const memo = new Map<string, ContractArtifact>();

/** Compiles (or loads from the memo or the disk cache) one contract. */
export function compileContract(req: CompileRequest, sources = collectSources(req.file)): ContractArtifact {
  const settings = solcSettings(req);
  const h = createHash('sha256');
  for (const name of Object.keys(sources).sort()) h.update(name).update('\0').update(sources[name]!.content).update('\0');
  const sourceHash = h.update(req.contract).update(JSON.stringify(settings)).update(solc.version()).digest('hex');
  const hit = memo.get(sourceHash);
  if (hit) return hit;
  const cacheFile = join(BUILD_CACHE_DIR, `${req.contract}-${sourceHash.slice(0, 16)}.json`);
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as ContractArtifact;
    if (cached.sourceHash === sourceHash) {
      memo.set(sourceHash, cached);
      return cached;
    }
  }
  const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`${req.file} does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = output.contracts?.[req.file]?.[req.contract];
  if (!c) throw new Error(`solc produced no ${req.contract} contract from ${req.file}`);
  const artifact: ContractArtifact = {
    abi: c.abi,
    bytecode: `0x${c.evm.bytecode.object}`,
    deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    immutableRanges: Object.values(c.evm.deployedBytecode.immutableReferences ?? {}).flat(),
    ...(req.storageLayout && c.storageLayout ? { storageLayout: c.storageLayout } : {}),
    solcVersion: solc.version(),
    sourceHash,
  };
  mkdirSync(BUILD_CACHE_DIR, { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(artifact));
  renameSync(tmp, cacheFile); // atomic: parallel processes never read a half-written file
  memo.set(sourceHash, artifact);
  return artifact;
}

/** True when `code` (runtime code read from a chain) is `artifact`'s, its immutables aside. */
export function runtimeCodeMatches(artifact: ContractArtifact, code: Hex | undefined): boolean {
  if (code === undefined) return false;
  const want = artifact.deployedBytecode.toLowerCase();
  let got = code.toLowerCase();
  if (got.length !== want.length) return false;
  for (const r of artifact.immutableRanges ?? []) {
    const from = 2 + 2 * r.start;
    got = got.slice(0, from) + want.slice(from, from + 2 * r.length) + got.slice(from + 2 * r.length);
  }
  return got === want;
}
