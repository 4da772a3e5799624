// Compiles contracts/Governance.sol (and the files it imports from contracts/: the set library and
// the interfaces) through the project's one solc wrapper (contracts/solc.ts: solc-js 0.8.30, EVM
// "paris", optimizer on, no IR pipeline, cached) and returns the ABI, creation and runtime bytecode,
// the storage layout (the QBFT genesis generator uses it) and the ERC-165 ids of the interfaces
// clients probe.
import { join } from 'node:path';
import { type Abi, type Hex, toFunctionSelector, type AbiFunction } from 'viem';
import { compileContract, CONTRACTS_DIR, type StorageLayout } from '../contracts/solc.js';

export type { StorageEntry, StorageLayout } from '../contracts/solc.js';

export interface CompiledGovernance {
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
  storageLayout: StorageLayout;
  /** ERC-165 ids (XOR of the function selectors) of the interfaces Governance implements */
  interfaceIds: Record<ProbedInterface, Hex>;
}

export const GOVERNANCE_SOURCE_PATH = join(CONTRACTS_DIR, 'Governance.sol');

/** The interfaces whose ERC-165 ids a client checks (source file -> interface name). */
const PROBED_INTERFACES = {
  consortiumGovernance: ['IConsortiumGovernance.sol', 'IConsortiumGovernance'],
  releaseRegistry: ['IReleaseRegistry.sol', 'IReleaseRegistry'],
} as const;
export type ProbedInterface = keyof typeof PROBED_INTERFACES;

/** ERC-165 id of an interface: XOR of its functions' selectors. */
function interfaceId(abi: Abi, name: string): Hex {
  const functions = abi.filter((item): item is AbiFunction => item.type === 'function');
  if (functions.length === 0) throw new Error(`solc produced no ${name} interface functions`);
  const id = functions.reduce((acc, f) => acc ^ Number.parseInt(toFunctionSelector(f).slice(2), 16), 0) >>> 0;
  return `0x${id.toString(16).padStart(8, '0')}`;
}

let cached: CompiledGovernance | undefined;

export function compileGovernance(): CompiledGovernance {
  if (cached) return cached;
  const a = compileContract({ file: 'Governance.sol', contract: 'Governance', viaIR: false, storageLayout: true });
  if (!a.storageLayout) throw new Error('solc returned no storage layout for Governance');
  const interfaceIds = {} as Record<ProbedInterface, Hex>;
  for (const [key, [file, name]] of Object.entries(PROBED_INTERFACES) as [ProbedInterface, readonly [string, string]][]) {
    interfaceIds[key] = interfaceId(compileContract({ file, contract: name, viaIR: false }).abi, name);
  }
  cached = { abi: a.abi, bytecode: a.bytecode, deployedBytecode: a.deployedBytecode, storageLayout: a.storageLayout, interfaceIds };
  return cached;
}
