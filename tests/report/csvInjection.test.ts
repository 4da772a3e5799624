// CSV formula injection (issue 14, defect 12): a text cell starting with = + - @, a tab or a CR
// is written with a leading apostrophe in every CSV the report writes; numbers stay numbers.
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { toCsv } from '../../report/csvText.js';
import { schedulesCsv } from '../../report/scheduleCsv.js';
import { tradesCsv } from '../../report/tradesCsv.js';
import { smallRun } from './smallRun.js';

describe('report: CSV cells a spreadsheet would run are neutralised', () => {
  it('text cells get an apostrophe, negative numbers do not', () => {
    const text = toCsv(['a', 'b'], [
      ['=HYPERLINK("http://x","y")', -1.5],
      ['+1', '@SUM(A1)'],
      ['-cmd', '\tx'],
      ['\rx', 'H01'],
    ]);
    const rows = parse(text, { relax_quotes: true }) as string[][];
    assert.deepEqual(rows.slice(1), [
      [`'=HYPERLINK("http://x","y")`, '-1.5'],
      [`'+1`, `'@SUM(A1)`],
      [`'-cmd`, `'\tx`],
      [`'\rx`, 'H01'],
    ]);
  });

  it('a prosumer id "=HYPERLINK(...)" reaches schedules.csv and trades.csv neutralised', () => {
    const { result, scenario } = smallRun();
    const evil = '=HYPERLINK("http://evil.example","click")';
    const ids = [evil, ...result.prosumers.slice(1)];
    const renamed = { ...result, prosumers: ids, admmSchedules: result.admmSchedules.map((s, i) => ({ ...s, id: ids[i] })), centralSchedules: result.centralSchedules.map((s, i) => ({ ...s, id: ids[i] })) };
    const scen = { ...scenario, prosumers: scenario.prosumers.map((p, i) => ({ ...p, id: ids[i] })) };
    for (const csv of [schedulesCsv(renamed, scen), tradesCsv(renamed)]) {
      const cells = (parse(csv) as string[][]).flat();
      assert.ok(cells.includes(`'${evil}`), 'the id is written with an apostrophe');
      assert.ok(!cells.some((c) => c.startsWith('=')), 'no cell starts with =');
      assert.ok(cells.some((c) => /^-\d/.test(c)), 'negative numbers stay numbers');
    }
  });
});
