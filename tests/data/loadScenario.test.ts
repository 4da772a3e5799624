// Assembling a Scenario: source choice (file, extract, generator fallback), the parameter file
// (YAML/JSON, "*" entry, defaults for the rest) and its errors with file, line, prosumer and
// field, including a comfort band the HVAC cannot hold.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../data/loadScenario.js';
import { defaultParams } from '../../model/defaults.js';
import { assertInputError } from './inputErrorAssert.js';

const NO_EXTRACT = { DERCHAIN_DATA_DIR: '' };

describe('data: loadScenario', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-scenario-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('falls back to the generator without data and builds a consistent scenario', () => {
    const { scenario, origin } = loadScenario({ env: NO_EXTRACT, prosumers: 4, seed: 2 });
    assert.equal(origin.kind, 'generator');
    assert.equal(scenario.prosumers.length, 4);
    assert.equal(scenario.horizon, 24);
    assert.equal(scenario.timestamps.length, 24);
    assert.equal(scenario.tariff.energy.length, 24);
    assert.equal(scenario.tariff.feedIn.length, 24);
    for (const p of scenario.prosumers) {
      assert.equal(p.series.load.length, 24);
      assert.equal(p.series.pv.length, 24);
      assert.equal(p.series.tOut.length, 24);
    }
    assert.deepEqual(scenario.prosumers[2].params, defaultParams(2, 2, 1));
    assert.equal(scenario.options.demandResponse, 'baseline');
    assertInputError(() => loadScenario({ env: NO_EXTRACT, prosumers: ['H01'] }), { field: 'prosumers' });
  });

  it('uses a data file with its prices, and parameters from a YAML file with a "*" entry', () => {
    const rows = ['timestamp,prosumer,load_kW,pv_kW,outdoor_temp_C,price_per_kWh'];
    for (const id of ['A', 'B', 'C'])
      for (let h = 0; h < 24; h++)
        rows.push(`2021-07-01T${String(h).padStart(2, '0')}:00:00-07:00,${id},1.2,${h > 7 && h < 18 ? 2 : 0},${24 + (h > 10 && h < 18 ? 4 : 0)},${h >= 16 && h < 21 ? 0.45 : 0.18}`);
    const data = write('three.csv', `${rows.join('\n')}\n`);
    const params = write('p.yaml', 'B:\n  battery:\n    E: 7\n"*":\n  grid:\n    PGmax: 8\n');
    const { scenario, origin } = loadScenario({ data, params, modelOptions: { demandResponse: 'paper' } });
    assert.deepEqual(origin, { kind: 'file', path: data });
    assert.equal(scenario.tariff.energy[17], 0.45);
    assert.equal(scenario.tariff.energy[3], 0.18);
    assert.equal(scenario.prosumers[1].params.battery?.E, 7);
    assert.equal(scenario.prosumers[1].params.hvac, undefined);
    assert.equal(scenario.prosumers[0].params.grid.PGmax, 8);
    assert.equal(scenario.prosumers[2].params.grid.PGmax, 8);
    assert.equal(scenario.options.demandResponse, 'paper');
  });

  it('names file, line, prosumer and field for bad parameters (negative capacity, JSON too)', () => {
    const yaml = write('neg.yaml', 'P01:\n  battery:\n    E: 10\nP02:\n  battery:\n    E: -5\n');
    assertInputError(() => loadScenario({ env: NO_EXTRACT, prosumers: 3, params: yaml }), {
      file: yaml,
      line: 6,
      prosumer: 'P02',
      field: 'battery.E',
    });
    const json = write('neg.json', '{\n  "P01": {\n    "hvac": {"PACmax": -1}\n  }\n}\n');
    assertInputError(() => loadScenario({ env: NO_EXTRACT, prosumers: 3, params: json }), {
      file: json,
      line: 3,
      prosumer: 'P01',
      field: 'hvac.PACmax',
    });
    const typo = write('typo.yaml', 'P01:\n  batery:\n    E: 5\n');
    assertInputError(() => loadScenario({ env: NO_EXTRACT, prosumers: 3, params: typo }), { file: typo, prosumer: 'P01' });
  });

  it('rejects a parameter entry for an unknown prosumer', () => {
    const path = write('unknown.yaml', 'P01: {}\nP09:\n  battery: {E: 5}\n');
    assertInputError(() => loadScenario({ env: NO_EXTRACT, prosumers: 3, params: path }), {
      file: path,
      line: 2,
      prosumer: 'P09',
      reason: /unknown prosumer; the simulated prosumers are P01, P02, P03/,
    });
  });

  it('rejects a comfort band the HVAC cannot hold, against the parameter file', () => {
    // a hot summer day with a tiny air conditioner and a narrow band
    const path = write('band.yaml', 'P01: {}\nP02:\n  hvac:\n    TACmin: 21\n    TACmax: 22\n    tRef: 21.5\n    PACmax: 0.3\n');
    assertInputError(() => loadScenario({ env: NO_EXTRACT, prosumers: 3, params: path }), {
      file: path,
      line: 3,
      prosumer: 'P02',
      field: 'hvac',
      reason: /cannot keep the room within \[21, 22\]/,
    });
  });

  it('reports missing inputs as input errors', () => {
    assertInputError(() => loadScenario({ data: join(dir, 'nope.csv') }), { file: join(dir, 'nope.csv'), field: 'data' });
    assertInputError(() => loadScenario({ env: NO_EXTRACT, params: join(dir, 'nope.yaml') }), { file: join(dir, 'nope.yaml') });
    assertInputError(() => loadScenario({ env: { DERCHAIN_DATA_DIR: join(dir, 'missing') } }), { field: 'DERCHAIN_DATA_DIR' });
  });
});
