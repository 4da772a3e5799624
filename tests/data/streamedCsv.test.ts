// A big CSV is streamed and only the rows the run needs are kept (issue 14, defect 7): the table
// holds the requested prosumers' rows only, every row is still checked, and the chunked parser
// reports a bad row with its line even past the first chunk. Peak memory is measured by
// bench/csvMemory.bench.ts (npm run bench -- csvMemory), not here.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../data/loadScenario.js';
import { readLongFormatFile } from '../../data/longFormatReader.js';
import { assertInputError } from './inputErrorAssert.js';

/** Hourly rows for `ids` over `hours`, interleaved by time; about 50 bytes a row. */
function lines(ids: string[], hours: number): string[] {
  const out = ['timestamp,prosumer,load_kW,pv_kW,outdoor_temp_C'];
  for (let h = 0; h < hours; h++) {
    const stamp = new Date(Date.UTC(2021, 0, 1) + h * 3_600_000).toISOString().replace('.000Z', 'Z');
    for (const id of ids) out.push(`${stamp},${id},${(0.5 + (h % 7) / 10).toFixed(2)},0,${10 + (h % 5)}`);
  }
  return out;
}

describe('data: streamed CSV keeps only the rows the run needs', () => {
  let dir: string;
  const ids = Array.from({ length: 40 }, (_, k) => `H${String(k + 1).padStart(2, '0')}`);
  let big: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-stream-'));
    big = join(dir, 'big.csv');
    writeFileSync(big, `${lines(ids, 24 * 30).join('\n')}\n`); // 28,800 rows, > 1 MiB: several chunks
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the first N prosumers or the named ones, knows every id', () => {
    const first = readLongFormatFile(big, 3);
    assert.deepEqual(first.prosumers.map((p) => p.id), ['H01', 'H02', 'H03']);
    assert.equal(first.prosumers[2].slots.length, 24 * 30);
    assert.equal(first.preferredOrder.length, 40, 'every id is known (for messages and counts)');
    const named = readLongFormatFile(big, ['H40', 'H07']);
    assert.deepEqual(named.prosumers.map((p) => p.id).sort(), ['H07', 'H40']);
    const { scenario } = loadScenario({ data: big, prosumers: ['H39', 'H02'], days: 1, start: '2021-01-10' });
    assert.deepEqual(scenario.prosumers.map((p) => p.id), ['H39', 'H02']);
    assert.equal(scenario.timestamps[0], '2021-01-10T00:00:00Z');
  });

  it('a bad row of a prosumer that is not kept, past the first chunk, is still reported with its line', () => {
    const text = lines(ids, 24 * 30);
    const line = 25_001;
    text[line - 1] = text[line - 1].replace(/,[^,]*$/, ',hot');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `${text.join('\n')}\n`);
    const id = text[line - 1].split(',')[1];
    assertInputError(() => readLongFormatFile(bad, 2), { file: bad, line, prosumer: id, field: 'outdoor_temp_C', reason: /not a number/ });
    assertInputError(() => loadScenario({ data: big, prosumers: ['H01', 'nobody'] }), { prosumer: 'nobody', reason: /unknown prosumer; the source has H01, H02/ });
  });
});
