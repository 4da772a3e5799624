// Writes governance/governanceAbi.ts from the compiled contracts/Governance.sol, so viem calls are
// typed from the real ABI (`npx tsx governance/generateAbiModule.ts` after editing the contract;
// a test fails when the file is stale). Same renderer as the coordinators' (contracts/abiModule.ts).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAbiModule as render } from '../contracts/abiModule.js';
import { compileGovernance } from './compile.js';

export const ABI_MODULE_PATH = join(dirname(fileURLToPath(import.meta.url)), 'governanceAbi.ts');

export function renderAbiModule(): string {
  const { abi, interfaceIds } = compileGovernance();
  return [
    render('governanceAbi', 'contracts/Governance.sol', abi, 'governance/generateAbiModule.ts'),
    '/** ERC-165 ids: IConsortiumGovernance and IReleaseRegistry (clients probe them before sending). */',
    `export const GOVERNANCE_INTERFACE_IDS = ${JSON.stringify(interfaceIds)} as const;`,
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ABI_MODULE_PATH, renderAbiModule());
  process.stdout.write(`wrote ${ABI_MODULE_PATH}\n`);
}
