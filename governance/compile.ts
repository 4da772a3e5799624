// Compiles contracts/Governance.sol with solc-js (0.8.30, EVM "paris", optimizer on) and returns
// the ABI, creation and runtime bytecode and the storage layout (the QBFT genesis generator uses
// it). The result is cached per process. Switch to the contracts/ build helper when it fits.
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
}

export const GOVERNANCE_SOURCE_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'contracts', 'Governance.sol');

let cached: CompiledGovernance | undefined;

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<
      string,
      {
        abi: Abi;
        evm: { bytecode: { object: string }; deployedBytecode: { object: string } };
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
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'storageLayout'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`Governance.sol does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts?.['Governance.sol']?.['Governance'];
  if (!contract) throw new Error('solc produced no Governance contract');
  cached = {
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
    deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    storageLayout: contract.storageLayout,
  };
  return cached;
}
