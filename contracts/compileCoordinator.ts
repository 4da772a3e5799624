// Compiles contracts/DerCoordinator.sol with solc-js 0.8.30 (EVM "paris": no PUSH0, so the
// bytecode runs on geth 1.13 Clique and Besu) and caches the artifact under
// .derchain/build/<sha256 of source and settings>.json, so later runs skip the compiler.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';
import type { Abi, Hex } from 'viem';

export interface CoordinatorArtifact {
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
  solcVersion: string;
  sourceHash: string;
}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const COORDINATOR_SOURCE_PATH = join(REPO_ROOT, 'contracts', 'DerCoordinator.sol');
export const BUILD_CACHE_DIR = join(REPO_ROOT, '.derchain', 'build');

/** Compiler settings; part of the cache key. */
export const SOLC_SETTINGS = {
  evmVersion: 'paris',
  optimizer: { enabled: true, runs: 200 },
  viaIR: true,
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
} as const;

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

let memo: CoordinatorArtifact | undefined;

/** Returns the compiled coordinator, from the in-process memo, the disk cache, or solc. */
export function compileCoordinator(source = readFileSync(COORDINATOR_SOURCE_PATH, 'utf8')): CoordinatorArtifact {
  const sourceHash = createHash('sha256')
    .update(source)
    .update(JSON.stringify(SOLC_SETTINGS))
    .update(solc.version())
    .digest('hex');
  if (memo?.sourceHash === sourceHash) return memo;
  const cacheFile = join(BUILD_CACHE_DIR, `DerCoordinator-${sourceHash.slice(0, 16)}.json`);
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as CoordinatorArtifact;
    if (cached.sourceHash === sourceHash) return (memo = cached);
  }
  const input = { language: 'Solidity', sources: { 'DerCoordinator.sol': { content: source } }, settings: SOLC_SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`DerCoordinator.sol does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts?.['DerCoordinator.sol']?.['DerCoordinator'];
  if (!contract) throw new Error('solc produced no DerCoordinator contract');
  const artifact: CoordinatorArtifact = {
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
    deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    solcVersion: solc.version(),
    sourceHash,
  };
  mkdirSync(BUILD_CACHE_DIR, { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(artifact));
  renameSync(tmp, cacheFile); // atomic: parallel processes never read a half-written file
  return (memo = artifact);
}
