// Compiles contracts/Governance.sol (and the files it imports from contracts/: the set library and
// the interfaces) with solc-js (0.8.30, EVM "paris", optimizer on) and returns the ABI, creation
// and runtime bytecode, the storage layout (the QBFT genesis generator uses it) and the ERC-165 ids
// of the interfaces clients probe. The result is cached per process. Switch to the contracts/
// build helper when it fits.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';
import type { Abi, Hex } from 'viem';

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

export interface CompiledGovernance {
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
  storageLayout: StorageLayout;
  /** ERC-165 ids (XOR of the function selectors) of the interfaces Governance implements */
  interfaceIds: Record<ProbedInterface, Hex>;
}

const CONTRACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'contracts');
export const GOVERNANCE_SOURCE_PATH = join(CONTRACTS_DIR, 'Governance.sol');

/** The interfaces whose ERC-165 ids a client checks (source file -> interface name). */
const PROBED_INTERFACES = { consortiumGovernance: ['IConsortiumGovernance.sol', 'IConsortiumGovernance'], releaseRegistry: ['IReleaseRegistry.sol', 'IReleaseRegistry'] } as const;
export type ProbedInterface = keyof typeof PROBED_INTERFACES;

let cached: CompiledGovernance | undefined;

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<
      string,
      {
        abi: Abi;
        evm: { bytecode: { object: string }; deployedBytecode: { object: string }; methodIdentifiers?: Record<string, string> };
        storageLayout: StorageLayout;
      }
    >
  >;
}

export function compileGovernance(): CompiledGovernance {
  if (cached) return cached;
  const input = {
    language: 'Solidity',
    sources: { 'Governance.sol': { content: readFileSync(GOVERNANCE_SOURCE_PATH, 'utf8') } },
    settings: {
      evmVersion: 'paris',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: {
        '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'storageLayout', 'evm.methodIdentifiers'] },
      },
    },
  };
  // imports resolve to files beside Governance.sol ("./X.sol" arrives as "X.sol")
  const findImports = (path: string) => {
    if (!/^[A-Za-z0-9_]+\.sol$/.test(path)) return { error: `import outside contracts/: ${path}` };
    try {
      return { contents: readFileSync(join(CONTRACTS_DIR, path), 'utf8') };
    } catch {
      return { error: `contracts/${path} not found` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`Governance.sol does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts?.['Governance.sol']?.['Governance'];
  if (!contract) throw new Error('solc produced no Governance contract');
  const interfaceIds = {} as Record<ProbedInterface, Hex>;
  for (const [key, [file, name]] of Object.entries(PROBED_INTERFACES) as [ProbedInterface, readonly [string, string]][]) {
    const selectors = Object.values(output.contracts?.[file]?.[name]?.evm.methodIdentifiers ?? {});
    if (selectors.length === 0) throw new Error(`solc produced no ${name} interface`);
    const id = selectors.reduce((acc, sel) => acc ^ Number.parseInt(sel, 16), 0) >>> 0;
    interfaceIds[key] = `0x${id.toString(16).padStart(8, '0')}`;
  }
  cached = {
    abi: contract.abi,
    interfaceIds,
    bytecode: `0x${contract.evm.bytecode.object}`,
    deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    storageLayout: contract.storageLayout,
  };
  return cached;
}
