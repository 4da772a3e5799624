// The committed, generated ABI modules of the coordinators (contracts/derCoordinatorAbi.ts,
// contracts/poolCoordinatorAbi.ts) equal what the sources compile to, so agents that import them
// (and never run the compiler) speak the contract this checkout deploys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COORDINATOR_ABI_MODULES } from '../../contracts/generateAbiModules.js';

describe('contracts: generated ABI modules', function () {
  this.timeout(180_000);
  for (const m of COORDINATOR_ABI_MODULES) {
    it(`${m.path.split('/').slice(-1)[0]} matches the source (regenerate: npx tsx contracts/generateAbiModules.ts)`, () => {
      assert.equal(readFileSync(m.path, 'utf8'), m.render());
    });
  }
});
