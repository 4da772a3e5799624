// The project's long CSV format: reading, period selection, and every bad-input case with the
// exact file, line, prosumer and field in the error.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLongFormatFile } from '../../data/longFormatReader.js';
import { selectPeriod } from '../../data/periodSelection.js';
import { assertInputError } from './inputErrorAssert.js';

const HEADER = 'timestamp,prosumer,load_kW,pv_kW,outdoor_temp_C,price_per_kWh';

/** Rows for `ids` over `hours` hours from 2021-06-01 00:00 -07:00, grouped by prosumer. */
function rows(ids: string[], hours: number, startHour = 0): string[] {
  const out: string[] = [];
  ids.forEach((id, k) => {
    for (let h = startHour; h < startHour + hours; h++) {
      const day = 1 + Math.floor(h / 24);
      const stamp = `2021-06-${String(day).padStart(2, '0')}T${String(h % 24).padStart(2, '0')}:00:00-07:00`;
      const pv = h % 24 >= 7 && h % 24 <= 18 ? (2 + k * 0.1).toFixed(2) : '0';
      out.push(`${stamp},${id},${(0.5 + k * 0.01 + (h % 24) * 0.02).toFixed(3)},${pv},${20 + (h % 24) / 4},${h % 24 >= 16 && h % 24 < 21 ? 0.4 : 0.2}`);
    }
  });
  return out;
}

describe('data: long-format CSV', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-long-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, lines: string[]): string {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('reads a valid file, picks the period and keeps values, prices and local labels', () => {
    const path = file('ok.csv', [HEADER, ...rows(['A', 'B', 'C'], 48)]);
    const table = readLongFormatFile(path);
    assert.deepEqual(table.preferredOrder, ['A', 'B', 'C']);
    const p = selectPeriod(table, { start: '2021-06-02', days: 1, prosumers: 2 });
    assert.equal(p.dtHours, 1);
    assert.equal(p.timestamps.length, 24);
    assert.equal(p.timestamps[0], '2021-06-02T00:00:00-07:00');
    assert.deepEqual(p.prosumers.map((x) => x.id), ['A', 'B']);
    assert.equal(p.prosumers[1].load[3], 0.57);
    assert.equal(p.prosumers[0].pv[12], 2);
    assert.equal(p.prosumers[0].tOut[8], 22);
    assert.ok(p.prices);
    assert.equal(p.prices[17], 0.4);
    assert.equal(p.prices[2], 0.2);
  });

  it('accepts rows interleaved by time, a start time of day, explicit ids and the extract column names', () => {
    const lines = rows(['X', 'Y'], 30);
    const interleaved = lines.slice(0, 30).flatMap((l, k) => [l, lines[30 + k]]);
    const header = 'timestamp_local,household_id,load_kW,pv_kW,outdoor_temp_C,price_USD_per_kWh';
    const p = selectPeriod(readLongFormatFile(file('interleaved.csv', [header, ...interleaved])), {
      start: '2021-06-01T06:00',
      days: 1,
      prosumers: ['Y'],
    });
    assert.equal(p.timestamps[0], '2021-06-01T06:00:00-07:00');
    assert.deepEqual(p.prosumers.map((x) => x.id), ['Y']);
    // an instant with another offset names the same slot
    const q = selectPeriod(readLongFormatFile(join(dir, 'interleaved.csv')), { start: '2021-06-01T13:00:00Z', days: 0.25 });
    assert.equal(q.timestamps[0], '2021-06-01T06:00:00-07:00');
    assert.equal(q.timestamps.length, 6);
  });

  it('missing column: line 1 and the column name', () => {
    const path = file('nocol.csv', ['timestamp,prosumer,load_kW,outdoor_temp_C', '2021-06-01T00:00:00Z,A,1,20']);
    assertInputError(() => readLongFormatFile(path), { file: path, line: 1, field: 'pv_kW', reason: /missing column pv_kW/ });
  });

  it('unparsable timestamp: its line, prosumer and column', () => {
    const lines = [HEADER, ...rows(['A', 'B'], 24)];
    lines[30] = lines[30].replace(/^[^,]+/, '2021-06-01 25:00');
    const path = file('badtime.csv', lines);
    assertInputError(() => readLongFormatFile(path), { file: path, line: 31, prosumer: 'B', field: 'timestamp', reason: /unparsable timestamp/ });
  });

  it('non-numeric load and negative PV: line, prosumer, column', () => {
    const lines = [HEADER, ...rows(['A', 'B'], 24)];
    lines[5] = lines[5].replace(/^([^,]+,[^,]+,)[^,]+/, '$1abc');
    const path = file('nan.csv', lines);
    assertInputError(() => readLongFormatFile(path), { file: path, line: 6, prosumer: 'A', field: 'load_kW', reason: /not a number/ });
    const lines2 = [HEADER, ...rows(['A', 'B'], 24)];
    lines2[40] = lines2[40].split(',').map((c, k) => (k === 3 ? '-0.5' : c)).join(',');
    const path2 = file('neg.csv', lines2);
    assertInputError(() => readLongFormatFile(path2), { file: path2, line: 41, prosumer: 'B', field: 'pv_kW', reason: /negative/ });
  });

  it('gap in the series: the line of the slot after the gap', () => {
    const lines = [HEADER, ...rows(['A', 'B'], 24)];
    lines.splice(24 + 10, 1); // B loses 09:00 (file line 35 held it)
    const path = file('gap.csv', lines);
    assertInputError(() => selectPeriod(readLongFormatFile(path), { days: 0.5 }), {
      file: path,
      line: 35,
      prosumer: 'B',
      field: 'timestamp',
      reason: /gap in the series.*1 slot\(s\) of 1 h missing/,
    });
  });

  it('duplicate slot: the line of the second occurrence', () => {
    const lines = [HEADER, ...rows(['A'], 24)];
    lines.splice(8, 0, lines[5]); // A's 04:00 again on line 9
    const path = file('dup.csv', lines);
    assertInputError(() => selectPeriod(readLongFormatFile(path), { days: 0.5 }), {
      file: path,
      line: 9,
      prosumer: 'A',
      field: 'timestamp',
      reason: /duplicate slot 2021-06-01T04:00:00-07:00 \(the same instant as line 6\)/,
    });
  });

  it('too few slots for the period: the last line of the prosumer', () => {
    const path = file('short.csv', [HEADER, ...rows(['A', 'B'], 30)]);
    assertInputError(() => selectPeriod(readLongFormatFile(path), { days: 2 }), {
      file: path,
      line: 31,
      prosumer: 'A',
      field: 'timestamp',
      reason: /too few slots: 2 day\(s\) .* need 48 slots of 1 h, the series has 30/,
    });
    assertInputError(() => selectPeriod(readLongFormatFile(path), { start: '2021-07-01', days: 1 }), {
      file: path,
      line: 31,
      prosumer: 'A',
      field: 'timestamp',
      reason: /no slot starts at 2021-07-01/,
    });
  });

  it('unknown prosumer, too many prosumers, different prices', () => {
    const path = file('ids.csv', [HEADER, ...rows(['A', 'B'], 24)]);
    assertInputError(() => selectPeriod(readLongFormatFile(path), { prosumers: ['A', 'Z'] }), {
      file: path,
      prosumer: 'Z',
      field: 'prosumer',
      reason: /unknown prosumer; the source has A, B/,
    });
    assertInputError(() => selectPeriod(readLongFormatFile(path), { prosumers: 3 }), { file: path, field: 'prosumers', reason: /only 2/ });
    const lines = [HEADER, ...rows(['A', 'B'], 24)];
    lines[27] = lines[27].replace(/,[^,]+$/, ',0.99');
    const path2 = file('prices.csv', lines);
    assertInputError(() => selectPeriod(readLongFormatFile(path2)), {
      file: path2,
      line: 28,
      prosumer: 'B',
      field: 'price_per_kWh',
      reason: /the tariff is the same for all prosumers/,
    });
  });

  it('malformed CSV (ragged row) and an empty file', () => {
    const path = file('ragged.csv', [HEADER, ...rows(['A'], 3), '2021-06-01T03:00:00-07:00,A,1']);
    assertInputError(() => readLongFormatFile(path), { file: path, line: 5, reason: /not a valid CSV file/ });
    const empty = file('empty.csv', []);
    assertInputError(() => readLongFormatFile(empty), { file: empty, line: 1, reason: /empty/ });
  });
});
