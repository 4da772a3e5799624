// Rows in any order (issue 14, defect 9): docs/data-format.md allows shuffled rows, so without
// --start the period starts at the earliest timestamp, not at the first row of the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLongFormatFile } from '../../data/longFormatReader.js';
import { selectPeriod } from '../../data/periodSelection.js';
import { seededRandom } from '../../data/seededRandom.js';

describe('data: shuffled CSV rows', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-shuffled-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the default start is the earliest timestamp, and the values follow their timestamps', () => {
    const lines: string[] = [];
    for (const id of ['A', 'B']) {
      for (let h = 0; h < 36; h++) {
        const stamp = `2021-06-${String(1 + Math.floor(h / 24)).padStart(2, '0')}T${String(h % 24).padStart(2, '0')}:00:00Z`;
        lines.push(`${stamp},${id},${(1 + h / 100).toFixed(2)},0,20`);
      }
    }
    const random = seededRandom(4);
    for (let k = lines.length - 1; k > 0; k--) {
      const j = Math.floor(random.next() * (k + 1));
      [lines[k], lines[j]] = [lines[j], lines[k]];
    }
    assert.ok(!lines[0].startsWith('2021-06-01T00:00'), 'the shuffle moved the first slot away from the first row');
    const path = join(dir, 'shuffled.csv');
    writeFileSync(path, `timestamp,prosumer,load_kW,pv_kW,outdoor_temp_C\n${lines.join('\n')}\n`);
    const p = selectPeriod(readLongFormatFile(path), { days: 1 });
    assert.equal(p.timestamps[0], '2021-06-01T00:00:00Z');
    assert.equal(p.timestamps.length, 24);
    assert.deepEqual([...p.prosumers[0].load.slice(0, 3)], [1, 1.01, 1.02]);
  });
});
