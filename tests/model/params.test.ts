// Parameter schemas, defaults and scenario checks: errors name file, prosumer and field.
import assert from 'node:assert/strict';
import { defaultParams, defaultTariff } from '../../model/defaults.js';
import { DerchainInputError } from '../../errors/inputError.js';
import { solveLocal } from '../../model/localProblem.js';
import { defaultModelOptions, parseModelOptions, parseProsumerParams } from '../../model/params.js';
import { checkScenario } from '../../model/validateScenario.js';
import { syntheticScenario } from './syntheticScenario.js';

function inputError(fn: () => unknown): DerchainInputError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DerchainInputError, `expected DerchainInputError, got ${String(e)}`);
    return e;
  }
  assert.fail('no error thrown');
}

describe('model parameters', () => {
  it('fills defaults and keeps absent DERs absent', () => {
    const p = parseProsumerParams({ battery: { E: 5 } });
    assert.equal(p.grid.PGmax, 10);
    assert.equal(p.battery?.etaCH, 0.95);
    assert.equal(p.hvac, undefined);
    assert.equal(p.shiftable, undefined);
    assert.deepEqual(defaultModelOptions(), { demandResponse: 'baseline', hvacTiming: 'same-slot', tradeCost: 1e-4, terminalEnergy: true });
  });

  it('reports file, prosumer and field', () => {
    const e = inputError(() => parseProsumerParams({ battery: { aMin: 0.9, aMax: 0.5, e0: 0.7 } }, { file: 'p.yaml', prosumer: 'H07' }));
    assert.equal(e.file, 'p.yaml');
    assert.equal(e.prosumer, 'H07');
    assert.equal(e.field, 'battery.aMin');
    assert.match(e.message, /p\.yaml.*H07.*battery\.aMin/);
    assert.equal(inputError(() => parseProsumerParams({ battery: { etaDIS: 1.2 } })).field, 'battery.etaDIS');
    assert.equal(inputError(() => parseProsumerParams({ hvac: { tRef: 30 } })).field, 'hvac.tRef');
    assert.equal(inputError(() => parseProsumerParams({ battery: { E: -1 } })).field, 'battery.E');
    assert.equal(inputError(() => parseProsumerParams({ shiftable: { start: 5, end: 8, profile: [1, 1] } })).field, 'shiftable.profile');
    assert.equal(inputError(() => parseProsumerParams({ grid: { PGmax: 5 }, pool: {} })).field, undefined);
    assert.equal(inputError(() => parseModelOptions({ demandResponse: 'free' })).field, 'options.demandResponse');
  });

  it('defaultParams is seeded and prosumers differ', () => {
    assert.deepEqual(defaultParams(3, 9), defaultParams(3, 9));
    const ps = Array.from({ length: 10 }, (_, i) => defaultParams(i, 1));
    assert.ok(ps.some((p) => !p.battery) && ps.some((p) => p.battery));
    assert.ok(ps.some((p) => !p.shiftable) && ps.some((p) => p.shiftable));
    assert.ok(new Set(ps.map((p) => p.hvac?.wAC)).size > 5);
    for (const p of ps) assert.deepEqual(parseProsumerParams(p), p); // defaults pass their own schema
  });

  it('defaultTariff: feed-in below the energy price, DR events late afternoon', () => {
    const ts = Array.from({ length: 24 }, (_, h) => `2024-07-01T${String(h).padStart(2, '0')}:00:00+10:00`);
    const tr = defaultTariff(ts, 1);
    for (let t = 0; t < 24; t++) assert.ok(tr.feedIn[t] < tr.energy[t]);
    const events = Array.from(tr.demandResponse.keys()).filter((t) => tr.demandResponse[t] > 0);
    assert.deepEqual(events, [17, 18, 19]);
    const given = defaultTariff(ts, 1, new Float64Array(24).fill(0.3));
    assert.ok(given.energy.every((v) => v === 0.3));
  });
});

describe('checkScenario and infeasible prosumers', () => {
  it('accepts the synthetic scenario', () => {
    checkScenario(syntheticScenario(4, 2, 1));
  });

  it('rejects a comfort band the HVAC cannot hold, naming prosumer, field and slot', () => {
    const sc = syntheticScenario(3, 1, 1);
    const p = sc.prosumers[1];
    p.params = { ...p.params, hvac: { ...p.params.hvac!, PACmax: 0.2 } };
    const e = inputError(() => checkScenario(sc));
    assert.equal(e.prosumer, p.id);
    assert.equal(e.field, 'hvac');
    assert.match(e.message, /slot \d+/);
  });

  it('rejects series of the wrong length', () => {
    const sc = syntheticScenario(2, 1, 1);
    sc.prosumers[0].series.pv = new Float64Array(23);
    assert.equal(inputError(() => checkScenario(sc)).field, 'pv');
  });

  it('an infeasible local problem is a DerchainInputError naming the prosumer', () => {
    const sc = syntheticScenario(2, 1, 1);
    const p = sc.prosumers[2 % 2];
    // a zero explicit DR baseline forbids any purchase in the evening event slots; alone (no
    // partners) the evening load cannot be met
    const noBattery = { ...p.params, battery: undefined, demandResponse: { baseline: new Array(24).fill(0) } };
    const e = inputError(() =>
      solveLocal({
        prosumer: { ...p, params: noBattery },
        tariff: sc.tariff,
        options: sc.options,
        dtHours: 1,
        partners: 0,
        rho: 1,
        lambdaRow: new Float64Array(0),
        hatRow: new Float64Array(0),
      }),
    );
    assert.equal(e.prosumer, p.id);
    assert.match(e.message, /cannot all hold/);
  });
});
