// Test fixture: a real, small coordination run (built-in generator, a few prosumers, one day)
// through the model's ADMM engine, shared by the report tests.
import { runAdmm } from '../../admm/engine.js';
import type { CoordinationResult } from '../../admm/types.js';
import { loadScenario } from '../../data/loadScenario.js';
import type { Scenario } from '../../model/scenario.js';

const cache = new Map<number, { result: CoordinationResult; scenario: Scenario }>();

export function smallRun(prosumers = 4): { result: CoordinationResult; scenario: Scenario } {
  let run = cache.get(prosumers);
  if (!run) {
    const { scenario } = loadScenario({ env: { DERCHAIN_DATA_DIR: '' }, prosumers, days: 1, seed: 1 });
    run = { result: runAdmm(scenario), scenario };
    cache.set(prosumers, run);
  }
  return run;
}
