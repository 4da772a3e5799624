// Default HVAC mode follows the season: a winter horizon gets a heating HVAC whose comfort band it
// can hold, a summer one a cooling HVAC; the generator's winter week passes the scenario check.
import assert from 'node:assert/strict';
import { loadScenario } from '../../data/loadScenario.js';
import { defaultParams, HEATING_MODE_MARGIN_C } from '../../model/defaults.js';
import { checkScenario } from '../../model/validateScenario.js';

const NO_EXTRACT = { DERCHAIN_DATA_DIR: '' };

describe('data: seasonal HVAC defaults', () => {
  it('heats when the mean outdoor temperature is well below tRef, cools otherwise', () => {
    const warm = defaultParams(0, 1, 1, { meanOutdoorC: 30 });
    const cold = defaultParams(0, 1, 1, { meanOutdoorC: 5 });
    assert.ok(warm.hvac && cold.hvac);
    assert.ok(warm.hvac.gamma < 0, 'summer: cooling');
    assert.ok(cold.hvac.gamma > 0, 'winter: heating');
    assert.equal(Math.abs(warm.hvac.gamma), cold.hvac.gamma, 'same machine, other direction');
    const edge = defaultParams(0, 1, 1, { meanOutdoorC: cold.hvac.tRef - HEATING_MODE_MARGIN_C + 0.1 });
    assert.ok(edge.hvac && edge.hvac.gamma < 0, 'just above the margin: cooling');
  });

  it('a generated winter week gets heating homes and passes the scenario check', () => {
    const { scenario } = loadScenario({ env: NO_EXTRACT, prosumers: 4, seed: 3, start: '2017-01-23', days: 2 });
    const modes = scenario.prosumers.map((p) => Math.sign(p.params.hvac?.gamma ?? 0));
    const meanOut = scenario.prosumers[0].series.tOut.reduce((a, b) => a + b, 0) / scenario.horizon;
    assert.ok(meanOut < 22 - HEATING_MODE_MARGIN_C, `the generator's January is cool (mean ${meanOut.toFixed(1)} C)`);
    assert.ok(modes.every((m) => m > 0), 'every home heats in winter');
    assert.doesNotThrow(() => checkScenario(scenario));
  });
});
