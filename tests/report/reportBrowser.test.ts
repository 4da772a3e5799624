// Browser check of report.html: Debian's chromium (headless, via playwright-core, a fresh profile,
// no network services) opens a real run's report from disk; there must be no console error or page
// error, every chart must exist with non-empty datasets, and every canvas must have drawn pixels.
// A screenshot goes to /tmp/derchain-report-check.png. Fails (does not skip) without chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildChartSpecs } from '../../report/chartSpecs.js';
import { writeReport } from '../../report/writeReport.js';
import { smallRun } from './smallRun.js';

const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT = '/tmp/derchain-report-check.png';

/**
 * In-page measurement (plain JavaScript, so the test loader adds no helpers): per canvas, the
 * opaque coloured pixels with the datasets shown and with them hidden.
 */
const MEASURE_INK = `(() => {
  function coloured(canvas) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let k = 0; k < data.length; k += 4) {
      const spread = Math.max(data[k], data[k + 1], data[k + 2]) - Math.min(data[k], data[k + 1], data[k + 2]);
      if (data[k + 3] > 200 && spread > 40) count++;
    }
    return count;
  }
  return Array.from(document.querySelectorAll('canvas')).map(function (canvas) {
    const chart = Chart.getChart(canvas);
    const shown = coloured(canvas);
    chart.data.datasets.forEach(function (_, i) { chart.setDatasetVisibility(i, false); });
    chart.update('none');
    const hidden = coloured(canvas);
    chart.data.datasets.forEach(function (_, i) { chart.setDatasetVisibility(i, true); });
    chart.update('none');
    return { id: canvas.id, width: canvas.width, height: canvas.height, shown: shown, hidden: hidden };
  });
})()`;

interface PageReport {
  ready: boolean;
  charts: { id: string; datasets: number; points: number }[];
  errors: string[];
}

describe('report: browser check (headless chromium)', function () {
  this.timeout(120_000);
  let work: string;
  let context: BrowserContext | undefined;

  before(async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: the report's browser check needs Debian's chromium (apt-get install -y chromium)`,
    );
    work = mkdtempSync(join(tmpdir(), 'derchain-browser-'));
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 900 },
    });
  });

  after(async () => {
    await context?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('renders every chart with data and no console error', async () => {
    const { result, scenario } = smallRun();
    const extras = { gasPerIteration: result.history.map((_, k) => 400_000 + 5_000 * k) };
    const out = join(work, 'report');
    writeReport(result, scenario, out, extras);
    const expected = buildChartSpecs(result, scenario, extras);

    const page = await context!.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.waitForFunction(() => (globalThis as unknown as { __derchainReport?: PageReport }).__derchainReport?.ready === true, null, {
      timeout: 30_000,
    });
    const state = (await page.evaluate(() => (globalThis as unknown as { __derchainReport: PageReport }).__derchainReport)) as PageReport;

    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [], 'the page loads nothing from the network');
    assert.deepEqual(state.errors, []);
    assert.deepEqual(
      state.charts.map((c) => c.id),
      expected.map((s) => s.id),
      'every chart was created',
    );
    assert.ok(state.charts.some((c) => c.id === 'gas'), 'the gas extension point is drawn');
    for (const c of state.charts) {
      const spec = expected.find((s) => s.id === c.id)!;
      assert.equal(c.datasets, spec.series.length, `${c.id}: datasets`);
      assert.ok(c.datasets > 0 && c.points > 0, `${c.id}: empty chart`);
    }

    // every canvas drew its data: count opaque, coloured pixels (series lines, bars, fills; axes,
    // grid and labels are grey) with the datasets shown and again with them hidden; the datasets
    // must account for a clear difference on every chart
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const inked = (await page.evaluate(MEASURE_INK)) as { id: string; width: number; height: number; shown: number; hidden: number }[];
    assert.equal(inked.length, expected.length);
    for (const c of inked) {
      assert.ok(c.width > 200 && c.height > 150, `${c.id} has size ${c.width}x${c.height}`);
      assert.ok(c.shown - c.hidden > 300, `${c.id} draws no data: ${c.shown} coloured pixels, ${c.hidden} with the datasets hidden`);
    }

    // headline numbers are on the page
    const kpis = await page.locator('.kpi .value').allTextContents();
    assert.ok(kpis.includes(String(result.iterations)), `iterations in ${kpis.join(' | ')}`);
    assert.ok(existsSync(SCREENSHOT));
    await page.close();
  });
});
