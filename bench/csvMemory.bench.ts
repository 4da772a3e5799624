// Peak memory of reading a big long-format CSV when the run needs 3 prosumers and 1 day: a
// generated ~50 MB file (127 prosumers x 1 year, hourly) read in a fresh child process; prints
// the file size, the child's peak RSS and the ratio. A Node process at rest is about 60 MB.
//   npm run bench -- csvMemory        (BENCH_CSV_MB=200 for a bigger file)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** Writes a long-format CSV of `prosumers` x `hours` rows, interleaved by time as meter exports are. */
function writeBigCsv(path: string, prosumers: number, hours: number): void {
  const chunks: string[] = ['timestamp,prosumer,load_kW,pv_kW,outdoor_temp_C,price_per_kWh\n'];
  const start = Date.UTC(2021, 0, 1);
  for (let h = 0; h < hours; h++) {
    const stamp = new Date(start + h * 3_600_000).toISOString().replace('.000Z', 'Z');
    const hod = h % 24;
    const lines: string[] = [];
    for (let p = 0; p < prosumers; p++) {
      const id = `H${String(p + 1).padStart(3, '0')}`;
      lines.push(`${stamp},${id},${(0.4 + ((p * 7 + h) % 13) / 10).toFixed(3)},${hod >= 7 && hod <= 18 ? (2 + (p % 5) / 10).toFixed(3) : '0'},${(15 + (hod % 12)).toFixed(1)},${hod >= 16 && hod < 21 ? '0.4' : '0.2'}`);
    }
    chunks.push(`${lines.join('\n')}\n`);
  }
  writeFileSync(path, chunks.join(''));
}

const CHILD = `
import { loadScenario } from './data/loadScenario.ts';
const t0 = performance.now();
const { scenario } = loadScenario({ data: process.env.CSV, prosumers: 3, days: 1, start: '2021-03-01' });
const s = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ prosumers: scenario.prosumers.length, horizon: scenario.horizon, seconds: s, maxRssKiB: process.resourceUsage().maxRSS }));
`;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'derchain-csvmem-'));
  try {
    const targetMb = Number(process.env.BENCH_CSV_MB ?? 50);
    const prosumers = Math.max(3, Math.round((127 * targetMb) / 50));
    const path = join(dir, 'big.csv');
    writeBigCsv(path, prosumers, 8760);
    const mb = statSync(path).size / 1e6;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CSV: path } });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { prosumers: number; horizon: number; seconds: number; maxRssKiB: number };
    const rssMb = out.maxRssKiB / 1024;
    console.log(
      `csv ${mb.toFixed(1)} MB (${prosumers} prosumers x 8760 h) -> ${out.prosumers} prosumers x ${out.horizon} slots: peak RSS ${rssMb.toFixed(0)} MB (${(rssMb / mb).toFixed(1)}x the file), read in ${out.seconds.toFixed(1)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
