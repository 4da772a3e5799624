// Implausible magnitudes are bad input (issue 14, defects 5 and 11): per-field bounds on meter
// data and DER parameters with file, line, prosumer and field named before anything is solved;
// 0x10 is not a number; a YAML alias bomb in --params exits 2 naming the file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadScenario } from '../../data/loadScenario.js';
import { readLongFormatFile } from '../../data/longFormatReader.js';
import { parseParamsText } from '../../data/paramsFile.js';
import { assertInputError } from './inputErrorAssert.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HEADER = 'timestamp,prosumer,load_kW,pv_kW,outdoor_temp_C';

function csv(cell: { line: number; column: 'load' | 'pv' | 'temp'; value: string }): string[] {
  const lines = [HEADER];
  for (const id of ['A', 'B']) {
    for (let h = 0; h < 24; h++) {
      const row = { load: '0.8', pv: '0', temp: '21' };
      if (lines.length + 1 === cell.line) row[cell.column] = cell.value;
      lines.push(`2021-06-01T${String(h).padStart(2, '0')}:00:00Z,${id},${row.load},${row.pv},${row.temp}`);
    }
  }
  return lines;
}

describe('data: plausibility bounds', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-plausible-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, lines: string[]): string {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('a 1e9 kW load, a 500 degC temperature and 0x10 are refused with file, line, prosumer and field', () => {
    const load = file('load.csv', csv({ line: 30, column: 'load', value: '1e9' }));
    assertInputError(() => readLongFormatFile(load), { file: load, line: 30, prosumer: 'B', field: 'load_kW', reason: /implausible value 1e9; expected from 0 to 1000 kW/ });
    const temp = file('temp.csv', csv({ line: 5, column: 'temp', value: '500' }));
    assertInputError(() => readLongFormatFile(temp), { file: temp, line: 5, prosumer: 'A', field: 'outdoor_temp_C', reason: /implausible/ });
    const hex = file('hex.csv', csv({ line: 7, column: 'pv', value: '0x10' }));
    assertInputError(() => readLongFormatFile(hex), { file: hex, line: 7, prosumer: 'A', field: 'pv_kW', reason: /not a number: "0x10"/ });
  });

  it('a battery E of 1e300 kWh in the parameter file names file, line, prosumer and field', () => {
    const text = 'H01:\n  battery:\n    E: 10\nH02:\n  battery:\n    E: 1e300\n';
    assertInputError(() => parseParamsText(text, 'homes.yaml'), { file: 'homes.yaml', line: 6, prosumer: 'H02', field: 'battery.E', reason: /implausible value; expected from 0 to 10000 kWh/ });
    assertInputError(() => parseParamsText('"*":\n  grid:\n    PGmax: 5e6\n', 'p.yaml'), { file: 'p.yaml', line: 3, field: 'grid.PGmax' });
  });

  it('a YAML alias bomb is bad input naming the file, and derchain simulate exits 2', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let k = 1; k < 9; k++) levels.push(`${String.fromCharCode(97 + k)}: &${String.fromCharCode(97 + k)} [${Array(9).fill(`*${String.fromCharCode(96 + k)}`).join(',')}]`);
    const bomb = file('bomb.yaml', levels);
    assertInputError(() => loadScenario({ env: { DERCHAIN_DATA_DIR: '' }, prosumers: 2, params: bomb }), { file: bomb, reason: /alias/i });
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'derchain.mjs'), 'simulate', '--prosumers', '2', '--params', bomb], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DERCHAIN_DATA_DIR: '' },
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`file ${bomb}`), r.stderr);
  });
});
