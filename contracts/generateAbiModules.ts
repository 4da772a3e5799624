// Writes the coordinators' typed ABI modules (contracts/derCoordinatorAbi.ts,
// contracts/poolCoordinatorAbi.ts) from the sources: `npx tsx contracts/generateAbiModules.ts`
// after editing a coordinator (the governance module has its own: governance/generateAbiModule.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAbiModule } from './abiModule.js';
import { compileCoordinator, compilePoolCoordinator } from './compileCoordinator.js';
import { CONTRACTS_DIR } from './solc.js';

export interface GeneratedModule {
  path: string;
  render(): string;
}

const GENERATOR = 'contracts/generateAbiModules.ts';

export const COORDINATOR_ABI_MODULES: GeneratedModule[] = [
  {
    path: join(CONTRACTS_DIR, 'derCoordinatorAbi.ts'),
    render: () => renderAbiModule('derCoordinatorAbi', 'contracts/DerCoordinator.sol', compileCoordinator().abi, GENERATOR),
  },
  {
    path: join(CONTRACTS_DIR, 'poolCoordinatorAbi.ts'),
    render: () => renderAbiModule('poolCoordinatorAbi', 'contracts/PoolCoordinator.sol', compilePoolCoordinator().abi, GENERATOR),
  },
];

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const m of COORDINATOR_ABI_MODULES) {
    writeFileSync(m.path, m.render());
    process.stdout.write(`wrote ${m.path}\n`);
  }
}
