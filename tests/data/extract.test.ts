// Readers on the real shared extract (../shared/data, see its README) when it is present: the
// week files in long format, the wide yearly files, the recommended set, the DST day, and both
// readers agreeing on the same hours. Without the extract these tests are skipped with a banner;
// the wide-layout error cases run on small files written to a temporary directory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateExtract } from '../../data/dataLocation.js';
import { isExtractDirectory, readExtractDirectory } from '../../data/extractReader.js';
import { readLongFormatFile } from '../../data/longFormatReader.js';
import { selectPeriod } from '../../data/periodSelection.js';
import { assertInputError } from './inputErrorAssert.js';

const RECOMMENDED = ['H01', 'H02', 'H03', 'H08', 'H09', 'H10', 'H11', 'H13', 'H16', 'H17'];

function extractDir(): string | null {
  try {
    return locateExtract();
  } catch {
    return null;
  }
}

describe('data: the shared real extract', function () {
  const dir = extractDir();
  before(function () {
    if (!dir) {
      console.warn(
        '\n' +
          '################################################################################\n' +
          '##  WARNING: the shared data extract (../shared/data) is ABSENT.              ##\n' +
          '##  The real-data reader tests are SKIPPED; generator tests still run.        ##\n' +
          '################################################################################\n',
      );
      this.skip();
    }
  });

  it('reads the summer week file: 10 recommended homes x 168 hours, local labels, prices', () => {
    const table = readLongFormatFile(join(dir!, 'week_summer_2016-08-08.csv'));
    assert.deepEqual(table.preferredOrder, RECOMMENDED);
    const p = selectPeriod(table, { days: 7 });
    assert.equal(p.timestamps.length, 168);
    assert.equal(p.timestamps[0], '2016-08-08T00:00:00-07:00');
    assert.equal(p.timestamps[167], '2016-08-14T23:00:00-07:00');
    assert.ok(p.prices && p.prices.every((v) => v >= 0.2 && v <= 0.6));
    // README: sunny, about 23 kWh of PV per home per day
    const perHomeDay = p.prosumers.map((x) => x.pv.reduce((a, v) => a + v, 0) / 7);
    const mean = perHomeDay.reduce((a, v) => a + v, 0) / perHomeDay.length;
    assert.ok(mean > 18 && mean < 28, `mean PV ${mean.toFixed(1)} kWh/home/day`);
    for (const x of p.prosumers) for (let s = 0; s < 168; s++) if (s % 24 < 4) assert.equal(x.pv[s], 0, `${x.id} PV at night`);
  });

  it('reads the wide yearly files with the recommended homes first and agrees with the week file', () => {
    assert.ok(isExtractDirectory(dir!));
    const table = readExtractDirectory(dir!);
    assert.deepEqual(table.preferredOrder.slice(0, 10), RECOMMENDED);
    assert.ok(!table.preferredOrder.includes('H12') && !table.preferredOrder.includes('H15'), 'unusable homes are not offered by count');
    const wide = selectPeriod(table, { start: '2017-01-23', days: 7, prosumers: 10 });
    const week = selectPeriod(readLongFormatFile(join(dir!, 'week_winter_2017-01-23.csv')), { days: 7 });
    assert.deepEqual(wide.timestamps, week.timestamps);
    assert.equal(wide.timestamps[0], '2017-01-23T00:00:00-08:00');
    wide.prosumers.forEach((w, k) => {
      assert.equal(w.id, week.prosumers[k].id);
      assert.deepEqual(w.load, week.prosumers[k].load);
      assert.deepEqual(w.pv, week.prosumers[k].pv);
      assert.deepEqual(w.tOut, week.prosumers[k].tOut);
    });
    assert.deepEqual(wide.prices, week.prices);
  });

  it('defaults to the summer week, handles the DST day and still offers unusable homes by id', () => {
    const table = readExtractDirectory(dir!);
    const first = selectPeriod(table);
    assert.equal(first.timestamps[0], '2016-08-08T00:00:00-07:00');
    assert.deepEqual(first.prosumers.map((x) => x.id), RECOMMENDED, 'the recommended set by default');
    assert.equal(selectPeriod(table, { prosumers: 15 }).prosumers.length, 15);
    const dst = selectPeriod(table, { start: '2016-11-06', days: 1, prosumers: ['H12'] });
    assert.equal(dst.timestamps[1], '2016-11-06T01:00:00-07:00');
    assert.equal(dst.timestamps[2], '2016-11-06T01:00:00-08:00');
    assert.equal(new Set(dst.timestamps.map((t) => Date.parse(t))).size, 24);
    assertInputError(() => selectPeriod(table, { start: '2017-07-01' }), {
      file: join(dir!, 'load_kW.csv'),
      prosumer: 'H01',
      field: 'timestamp_local',
      reason: /no slot starts at 2017-07-01/,
    });
  });
});

describe('data: extract layout errors', () => {
  let tmp: string;
  const HOUSEHOLDS =
    'household_id,source_building,pv_capacity_kWp,citylearn_battery_capacity_kWh,citylearn_battery_power_kW,annual_load_kWh,annual_pv_kWh,pv_yield_kWh_per_kWp,near_zero_load_hours,load_quality,pv_quality,in_recommended_set,note\n' +
    'H01,Building_1,4.0,6.4,5.0,1,1,1,0,good,good,yes,\nH02,Building_2,4.0,6.4,5.0,1,1,1,0,good,good,no,\n';
  const stamps = Array.from({ length: 30 }, (_, h) => {
    const utc = new Date(Date.UTC(2021, 5, 1, 7 + h)).toISOString().replace('.000', '');
    const local = `2021-06-${String(1 + Math.floor(h / 24)).padStart(2, '0')}T${String(h % 24).padStart(2, '0')}:00:00-07:00`;
    return `${utc},${local}`;
  });
  function writeLayout(overrides: Record<string, string> = {}): void {
    const files: Record<string, string> = {
      'households.csv': HOUSEHOLDS,
      'load_kW.csv': `timestamp_utc,timestamp_local,H01_load_kW,H02_load_kW\n${stamps.map((s) => `${s},1,2`).join('\n')}\n`,
      'pv_kW.csv': `timestamp_utc,timestamp_local,H01_pv_kW,H02_pv_kW\n${stamps.map((s) => `${s},0,0`).join('\n')}\n`,
      'weather.csv': `timestamp_utc,timestamp_local,outdoor_temp_C\n${stamps.map((s) => `${s},20`).join('\n')}\n`,
      'tariff_carbon.csv': `timestamp_utc,timestamp_local,price_USD_per_kWh\n${stamps.map((s) => `${s},0.2`).join('\n')}\n`,
      ...overrides,
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(tmp, name), text);
  }
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'derchain-wide-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads a small valid layout', () => {
    writeLayout();
    assert.equal(selectPeriod(readExtractDirectory(tmp), { start: '2021-06-01' }).prosumers.length, 1, 'recommended homes by default');
    const p = selectPeriod(readExtractDirectory(tmp), { start: '2021-06-01', prosumers: 2 });
    assert.deepEqual(p.prosumers.map((x) => x.id), ['H01', 'H02']);
    assert.equal(p.prosumers[1].load[0], 2);
  });

  it('names a missing household column, a negative value and mismatched rows', () => {
    writeLayout({ 'pv_kW.csv': `timestamp_utc,timestamp_local,H01_pv_kW\n${stamps.map((s) => `${s},0`).join('\n')}\n` });
    assertInputError(() => readExtractDirectory(tmp), { file: join(tmp, 'pv_kW.csv'), line: 1, field: 'H02_pv_kW' });
    writeLayout({ 'load_kW.csv': `timestamp_utc,timestamp_local,H01_load_kW,H02_load_kW\n${stamps.map((s, k) => `${s},1,${k === 6 ? -2 : 2}`).join('\n')}\n` });
    assertInputError(() => readExtractDirectory(tmp), { file: join(tmp, 'load_kW.csv'), line: 8, prosumer: 'H02', field: 'H02_load_kW', reason: /negative/ });
    const shifted = stamps.map((s, k) => (k === 9 ? stamps[10] : s));
    writeLayout({ 'weather.csv': `timestamp_utc,timestamp_local,outdoor_temp_C\n${shifted.map((s) => `${s},20`).join('\n')}\n` });
    assertInputError(() => readExtractDirectory(tmp), { file: join(tmp, 'weather.csv'), line: 11, field: 'timestamp_utc' });
  });

  it('is recognised only with all five files', () => {
    writeLayout();
    assert.ok(isExtractDirectory(tmp));
    rmSync(join(tmp, 'weather.csv'));
    assert.ok(!isExtractDirectory(tmp));
  });
});
