// Compiles contracts/Governance.sol through the project's one solc wrapper (contracts/solc.ts:
// solc-js 0.8.30, EVM "paris", optimizer on, no IR pipeline, cached) and returns the ABI, creation
// and runtime bytecode and the storage layout (the QBFT genesis generator uses it).
import { join } from 'node:path';
import type { Abi, Hex } from 'viem';
import { compileContract, CONTRACTS_DIR, type StorageLayout } from '../contracts/solc.js';

export type { StorageEntry, StorageLayout } from '../contracts/solc.js';

export interface CompiledGovernance {
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
  storageLayout: StorageLayout;
}

export const GOVERNANCE_SOURCE_PATH = join(CONTRACTS_DIR, 'Governance.sol');

export function compileGovernance(): CompiledGovernance {
  const a = compileContract({ file: 'Governance.sol', contract: 'Governance', viaIR: false, storageLayout: true });
  if (!a.storageLayout) throw new Error('solc returned no storage layout for Governance');
  return { abi: a.abi, bytecode: a.bytecode, deployedBytecode: a.deployedBytecode, storageLayout: a.storageLayout };
}
