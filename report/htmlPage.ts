// report.html: one self-contained page (Chart.js inlined, data embedded as JSON, no network) with
// the run's headline numbers, every chart of chartSpecs.ts in a card with title, description and
// axis units, and a per-prosumer table of energy totals and costs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChartSpec } from './chartSpecs.js';
import { PAGE_SCRIPT } from './pageScript.js';
import type { ReportSummary } from './reportSummary.js';

/** Chart.js's UMD build, without its source-map comment (the map is not shipped with the page). */
export function chartJsSource(): string {
  const require = createRequire(import.meta.url);
  // the package's exports map hides dist/chart.umd.js; it sits next to the CommonJS entry
  const path = join(dirname(require.resolve('chart.js')), 'chart.umd.js');
  return readFileSync(path, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe to place inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function money(value: number, currency: string): string {
  if (!Number.isFinite(value)) return '–';
  const sign = value < 0 ? '−' : '';
  return `${sign}${currency}${Math.abs(value).toFixed(2)}`;
}

function sci(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  return Math.abs(value) >= 0.01 && Math.abs(value) < 1000 ? value.toFixed(4) : value.toExponential(2);
}

function kwh(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const text = value.toFixed(1);
  return Number(text) === 0 ? '0.0' : text;
}

const STYLE = `
  :root { --ink: #1f2a37; --muted: #5b6878; --line: #e3e8ef; --bg: #f4f6f9; --accent: #4e79a7; --good: #2e7d4f; --warn: #b45309; }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--ink);
    font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "DejaVu Sans", sans-serif; }
  header { background: linear-gradient(120deg, #1d2b3a, #2c4a6b); color: #fff; padding: 28px 40px 24px; }
  header h1 { margin: 0 0 6px; font-size: 26px; font-weight: 650; letter-spacing: 0.2px; }
  header .meta { margin: 0; color: #c9d6e4; font-size: 14px; line-height: 1.6; }
  header .note { margin: 6px 0 0; color: #9fb3c8; font-size: 12.5px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
  main { max-width: 1480px; margin: 0 auto; padding: 24px 32px 40px; }
  .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 14px; margin-bottom: 26px; }
  .kpi { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); }
  .kpi .label { font-size: 12px; text-transform: uppercase; letter-spacing: 0.6px; color: var(--muted); }
  .kpi .value { font-size: 22px; font-weight: 650; margin-top: 4px; font-variant-numeric: tabular-nums; }
  .kpi .sub { font-size: 12px; color: var(--muted); margin-top: 2px; }
  .ok { color: var(--good); } .bad { color: var(--warn); }
  h2.section { font-size: 17px; margin: 30px 0 12px; color: var(--ink); font-weight: 650; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 18px; }
  figure.card { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px 12px;
    box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); min-width: 0; }
  figure.card.wide { grid-column: 1 / -1; }
  figcaption h3 { margin: 0; font-size: 15.5px; font-weight: 650; }
  figcaption .fig { display: inline-block; font-size: 11px; font-weight: 650; color: var(--accent); background: #eaf1f8;
    border-radius: 4px; padding: 1px 6px; margin-right: 8px; vertical-align: 2px; }
  figcaption p { margin: 4px 0 10px; font-size: 12.5px; color: var(--muted); line-height: 1.45; }
  .canvas-box { position: relative; height: 310px; }
  table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 10px; overflow: hidden;
    font-size: 13px; font-variant-numeric: tabular-nums; }
  th, td { padding: 8px 10px; text-align: right; border-bottom: 1px solid var(--line); }
  th { background: #f0f3f7; font-weight: 600; color: var(--muted); font-size: 12px; }
  th:first-child, td:first-child { text-align: left; }
  tr:last-child td { border-bottom: none; }
  .tag { font-size: 10.5px; border-radius: 4px; padding: 1px 5px; margin-left: 6px; background: #eaf1f8; color: var(--accent); }
  footer { color: var(--muted); font-size: 12px; margin-top: 26px; line-height: 1.6; }
  code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
`;

function kpiCards(s: ReportSummary): string {
  const gapPct = s.relativeGap * 100;
  const cards: [string, string, string, string?][] = [
    ['ADMM objective', money(s.admmObjective, s.currency), 'sum of the prosumers’ own costs'],
    ['Centralised objective', money(s.centralizedObjective, s.currency), 'social optimum (problem DCM)'],
    ['Relative gap', `${gapPct.toFixed(gapPct < 0.01 ? 4 : 3)} %`, `|ADMM − central| / |central| = ${sci(s.relativeGap)}`],
    ['Iterations', String(s.iterations), s.converged ? 'converged' : 'stopped before convergence', s.converged ? 'ok' : 'bad'],
    ['Final residuals', `${sci(s.primalResidual)} / ${sci(s.dualResidual)}`, `primal kW / dual ${s.currency}/kWh`],
    ['Run time', `${s.seconds.toFixed(2)} s`, `ADMM; centralised ${s.centralizedSeconds.toFixed(2)} s`],
  ];
  return cards
    .map(
      ([label, value, sub, cls]) =>
        `<div class="kpi"><div class="label">${escapeHtml(label)}</div><div class="value${cls ? ` ${cls}` : ''}">${escapeHtml(value)}</div><div class="sub">${escapeHtml(sub)}</div></div>`,
    )
    .join('\n');
}

function chartCard(spec: ChartSpec): string {
  const fig = spec.figure ? `<span class="fig">${escapeHtml(spec.figure)}</span>` : '';
  return `<figure class="card${spec.wide ? ' wide' : ''}" id="card-${escapeHtml(spec.id)}">
  <figcaption><h3>${fig}${escapeHtml(spec.title)}</h3><p>${escapeHtml(spec.subtitle)}</p></figcaption>
  <div class="canvas-box"><canvas id="chart-${escapeHtml(spec.id)}" role="img" aria-label="${escapeHtml(spec.title)}"></canvas></div>
</figure>`;
}

function totalsTable(s: ReportSummary): string {
  const head = ['prosumer', 'load kWh', 'PV kWh', 'PV used kWh', 'grid kWh', 'peak kW', 'feed-in kWh', 'sold kWh', 'bought kWh', 'DR kWh', `cost ADMM (${s.currency})`, `cost central (${s.currency})`];
  const rows = s.totals.map((p) => {
    const tag = p.id === s.biggestSeller ? '<span class="tag">biggest seller</span>' : p.id === s.biggestBuyer ? '<span class="tag">biggest buyer</span>' : '';
    const cells = [p.loadKWh, p.pvAvailableKWh, p.renewableUsedKWh, p.gridPurchaseKWh, p.peakPurchaseKW, p.feedInKWh, p.soldKWh, p.boughtKWh, p.demandResponseKWh].map(kwh);
    const cost = (v: number) => (Number.isFinite(v) ? (Number(v.toFixed(2)) === 0 ? '0.00' : v.toFixed(2)) : '–');
    cells.push(cost(p.admmCost), cost(p.centralizedCost));
    return `<tr><td>${escapeHtml(p.id)}${tag}</td>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** The complete HTML text of the report. */
export function renderReportHtml(summary: ReportSummary, charts: ChartSpec[], chartJs: string = chartJsSource()): string {
  const s = summary;
  const hours = s.horizon * s.dtHours;
  const meta = [
    escapeHtml(s.source),
    `${s.prosumers.length} prosumers`,
    `${s.horizon} slots of ${s.dtHours} h (${hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? '' : 's'}` : `${hours} h`})`,
    `${escapeHtml(s.start)} → ${escapeHtml(s.end)}`,
    `demand response: ${escapeHtml(s.options.demandResponse)} mode`,
  ].join(' · ');
  const notes = s.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  const dataJson = scriptJson({ charts });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(s.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(s.title)}</h1>
  <p class="meta">${meta}</p>
  ${notes}
</header>
<main>
<section class="kpis">
${kpiCards(s)}
</section>
<section class="charts">
${charts.map(chartCard).join('\n')}
</section>
<h2 class="section">Per prosumer (ADMM schedule; costs of both solutions)</h2>
${totalsTable(s)}
<footer>
  Files next to this page: <code>schedules.csv</code> (every scheduled quantity per prosumer and slot, centralised and ADMM),
  <code>trades.csv</code> (final bilateral trades and clearing prices), <code>summary.json</code> (these numbers and the iteration history).<br>
  Generated by derchain at ${escapeHtml(s.generatedAt)}. Times are local wall-clock as given by the data. Power in kW, energy in kWh, prices in ${escapeHtml(s.currency)}/kWh.
</footer>
</main>
<script>${chartJs}</script>
<script type="application/json" id="report-data">${dataJson}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
