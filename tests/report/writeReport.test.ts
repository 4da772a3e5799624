// The report files of a real run: schedules.csv (both solutions, every prosumer and slot),
// trades.csv (antisymmetric trades, symmetric prices), summary.json (the run's numbers), the
// HTML's self-containment, and the all-or-nothing write.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { buildChartSpecs } from '../../report/chartSpecs.js';
import { SCHEDULE_COLUMNS } from '../../report/scheduleCsv.js';
import { biggestSellerAndBuyer, netSoldKWh } from '../../report/tradeMatrix.js';
import { writeReport } from '../../report/writeReport.js';
import { smallRun } from './smallRun.js';

describe('report: files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-report-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes schedules, trades, summary and a self-contained page', () => {
    const { result, scenario } = smallRun();
    const out = join(dir, 'run');
    const written = writeReport(result, scenario, out, { gasPerIteration: result.history.map((h) => 100_000 + h.iteration) });
    assert.deepEqual(readdirSync(out).sort(), ['.derchain-report', 'report.html', 'schedules.csv', 'summary.json', 'trades.csv']);
    assert.equal(written.files.length, 4);

    const schedules = parse(readFileSync(join(out, 'schedules.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const N = result.prosumers.length;
    const T = result.horizon;
    assert.equal(schedules.length, 2 * N * T);
    assert.deepEqual(Object.keys(schedules[0]), [...SCHEDULE_COLUMNS]);
    const admmRow = schedules.find((r) => r.solution === 'admm' && r.prosumer === result.prosumers[1] && r.slot === '5')!;
    assert.ok(Math.abs(Number(admmRow.pG_kW) - result.admmSchedules[1].pG[5]) < 1e-9);
    assert.equal(Number(admmRow.load_kW), scenario.prosumers[1].series.load[5]);
    assert.equal(admmRow.timestamp, scenario.timestamps[5]);
    const centralRow = schedules.find((r) => r.solution === 'centralized' && r.prosumer === result.prosumers[0] && r.slot === '12')!;
    assert.ok(Math.abs(Number(centralRow.e_kWh) - result.centralSchedules[0].e[12]) < 1e-9);

    const trades = parse(readFileSync(join(out, 'trades.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.ok(trades.length > 0, 'a run of several prosumers trades');
    assert.equal(trades.length % T, 0);
    const key = (r: Record<string, string>) => `${r.prosumer}>${r.partner}@${r.slot}`;
    const byKey = new Map(trades.map((r) => [key(r), r]));
    for (const r of trades) {
      const back = byKey.get(`${r.partner}>${r.prosumer}@${r.slot}`);
      if (!back) continue;
      assert.ok(Math.abs(Number(r.trade_kW) + Number(back.trade_kW)) < 0.05, `trades of ${key(r)} nearly antisymmetric`);
      assert.equal(r.price_per_kWh, back.price_per_kWh);
    }

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.iterations, result.iterations);
    assert.equal(summary.admmObjective, result.admmObjective);
    assert.equal(summary.centralizedObjective, result.centralizedObjective);
    assert.equal(summary.relativeGap, result.relativeGap);
    assert.equal(summary.totals.length, N);
    assert.equal(summary.history.length, result.history.length);
    assert.deepEqual(summary.gasPerIteration.length, result.history.length);
    const { seller, buyer } = biggestSellerAndBuyer(result);
    const net = netSoldKWh(result);
    assert.equal(summary.biggestSeller, result.prosumers[seller]);
    assert.equal(summary.biggestBuyer, result.prosumers[buyer]);
    assert.equal(Math.max(...net), net[seller]);
    assert.equal(Math.min(...net), net[buyer]);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.ok(!/<script[^>]+src=/i.test(html) && !/<link[^>]+href=/i.test(html), 'no external script or stylesheet');
    assert.ok(!/https?:\/\/(?!www\.chartjs\.org)/.test(html.replace(/<script>[\s\S]*?<\/script>/g, '')), 'no URL outside the inlined library');
    assert.ok(html.includes('Chart.js v4'), 'Chart.js is inlined');
    for (const spec of buildChartSpecs(result, scenario, { gasPerIteration: [1] })) assert.ok(html.includes(`id="chart-${spec.id}"`), spec.id);
  });

  it('replaces an existing report, keeps what derchain did not write, and leaves nothing behind on failure', () => {
    const { result, scenario } = smallRun();
    const out = join(dir, 'again');
    writeReport(result, scenario, out);
    writeFileSync(join(out, 'stale.txt'), 'old');
    writeReport(result, scenario, out);
    assert.equal(readFileSync(join(out, 'stale.txt'), 'utf8'), 'old', 'a file derchain did not write is kept');
    const before = readdirSync(dir).sort();
    const broken = { ...result, admmSchedules: result.admmSchedules.map((s) => ({ ...s, netTrade: undefined as unknown as number[] })) };
    assert.throws(() => writeReport(broken, scenario, join(dir, 'broken')));
    assert.deepEqual(readdirSync(dir).sort(), before, 'no half-written directory or temporary left');
  });
});
