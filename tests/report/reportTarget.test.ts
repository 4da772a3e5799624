// --out never destroys what derchain did not create (issue 14, defect 1): a non-empty folder that
// is not a derchain report, a file and the working directory are refused as bad input (exit 2,
// before solving) and left as they were; a failed write names the path.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DerchainInputError } from '../../errors/inputError.js';
import { checkReportTarget } from '../../report/reportTarget.js';
import { ReportWriteError } from '../../report/reportWriteError.js';
import { writeReport } from '../../report/writeReport.js';
import { smallRun } from './smallRun.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('report: --out never destroys what derchain did not write', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-out-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a non-empty foreign folder and a file, and leaves them untouched', () => {
    const { result, scenario } = smallRun();
    const foreign = join(dir, 'thesis');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'chapter1.tex'), 'precious');
    assert.throws(() => writeReport(result, scenario, foreign), (e: unknown) => e instanceof DerchainInputError && e.field === 'out' && /not a derchain report/.test(e.message));
    assert.deepEqual(readdirSync(foreign), ['chapter1.tex']);
    assert.equal(readFileSync(join(foreign, 'chapter1.tex'), 'utf8'), 'precious');
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me');
    assert.throws(() => writeReport(result, scenario, file), (e: unknown) => e instanceof DerchainInputError && /is a file/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), 'keep me');
    assert.throws(() => checkReportTarget('.'), DerchainInputError, 'the working directory (a repository) is refused');
  });

  it('accepts a new path, an empty folder and an earlier report', () => {
    const { result, scenario } = smallRun();
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeReport(result, scenario, empty);
    writeReport(result, scenario, empty);
    assert.ok(existsSync(join(empty, 'report.html')));
    const old = join(dir, 'old-report');
    mkdirSync(old);
    writeFileSync(join(old, 'summary.json'), '{}');
    writeReport(result, scenario, old);
    assert.notEqual(readFileSync(join(old, 'summary.json'), 'utf8'), '{}');
  });

  it('a write that fails names the path and the system reason', () => {
    const { result, scenario } = smallRun();
    writeFileSync(join(dir, 'plain'), 'x');
    assert.throws(
      () => writeReport(result, scenario, join(dir, 'plain', 'sub')),
      (e: unknown) => e instanceof ReportWriteError && e.message.startsWith(`cannot write ${join(dir, 'plain')}`) && /ENOTDIR|EEXIST/.test(e.message),
    );
  });

  it('derchain simulate --out . exits 2 before solving and leaves the folder as it was', () => {
    const work = join(dir, 'cwd');
    mkdirSync(work);
    writeFileSync(join(work, 'data.csv'), 'mine');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'derchain.mjs'), 'simulate', '--prosumers', '2', '--out', '.'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, DERCHAIN_DATA_DIR: '' },
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /field out: .*not a derchain report/);
    assert.doesNotMatch(r.stderr, /admm progress/, 'refused before solving');
    assert.deepEqual(readdirSync(work), ['data.csv']);
  });
});
