// The rollout report: one self-contained HTML page (Chart.js inlined, the report/ mechanism: the
// ChartSpec data, report/pageScript.ts draws them) with the waves as charts: meters per wave by
// outcome, meters on the release over time, and outcomes per gateway.
import type { ChartSpec } from '../report/chartSpecs.js';
import { PALETTE } from '../report/chartSpecs.js';
import { chartJsSource, escapeHtml } from '../report/htmlPage.js';
import { PAGE_SCRIPT } from '../report/pageScript.js';
import { rolloutStatusView } from './rolloutStatus.js';
import type { RolloutState } from './rolloutState.js';

const OUTCOMES = [
  ['updated', PALETTE[4]!],
  ['failed', PALETTE[2]!],
  ['refused', PALETTE[1]!],
  ['reverted', PALETTE[6]!],
  ['pending', PALETTE[9]!],
] as const;

export function rolloutChartSpecs(s: RolloutState): ChartSpec[] {
  const v = rolloutStatusView(s);
  const byOutcome = (rows: { pending: number; dispatched: number; updated: number; failed: number; refused: number; reverted: number }[]) =>
    OUTCOMES.map(([k, color]) => ({ label: k, color, bar: true, data: rows.map((r) => (k === 'pending' ? r.pending + r.dispatched : r[k])) }));
  const start = Date.parse(s.waves.find((w) => w.startedAt)?.startedAt ?? s.createdAt);
  const done = Object.values(s.meters)
    .filter((m) => m.at && (m.progress === 'updated' || m.progress === 'reverted'))
    .map((m) => (Date.parse(m.at!) - start) / 1000)
    .sort((a, b) => a - b);
  return [
    {
      id: 'waves',
      title: 'Meters per wave, by outcome',
      subtitle: `Canary first, then waves growing by ${s.waveOptions.incrementFactor}x (AWS IoT Jobs incrementFactor); rates in meters per minute.`,
      type: 'bar',
      xTitle: 'wave',
      yTitle: 'meters',
      labels: v.waves.map((w) => `${w.name} (${w.ratePerMinute}/min)`),
      series: byOutcome(v.waves),
      stacked: true,
    },
    {
      id: 'progress',
      title: `Meters that took ${s.release.version}, over time`,
      subtitle: 'Cumulative count of meters whose install finished healthy, seconds since the canary started.',
      type: 'line',
      xTitle: 'seconds since start',
      yTitle: 'meters',
      labels: done.map((t) => t.toFixed(1)),
      series: [{ label: 'meters on the release', color: PALETTE[0]!, data: done.map((_, i) => i + 1) }],
      stepped: true,
    },
    {
      id: 'gateways',
      title: 'Outcomes per gateway',
      subtitle: 'Every wave spans the gateways (meters are taken round-robin).',
      type: 'bar',
      xTitle: 'gateway',
      yTitle: 'meters',
      labels: v.gateways.map((g) => g.gateway),
      series: byOutcome(v.gateways),
      stacked: true,
    },
  ];
}

function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderRolloutReport(s: RolloutState, chartJs: string = chartJsSource()): string {
  const v = rolloutStatusView(s);
  const charts = rolloutChartSpecs(s);
  const cards = charts
    .map((c) => `<figure class="card"><figcaption><h3>${escapeHtml(c.title)}</h3><p>${escapeHtml(c.subtitle)}</p></figcaption><div class="box"><canvas id="chart-${c.id}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></div></figure>`)
    .join('\n');
  const events = v.events.map((e) => `<li><code>${escapeHtml(e.at)}</code> ${escapeHtml(e.text)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>derchain rollout ${escapeHtml(s.release.version)}</title>
<style>
body { margin: 0; font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; background: #f4f6f9; color: #1f2a37; }
header { background: linear-gradient(120deg, #1d2b3a, #2c4a6b); color: #fff; padding: 24px 36px; }
header h1 { margin: 0 0 6px; font-size: 24px; } header p { margin: 0; color: #c9d6e4; }
main { max-width: 1400px; margin: 0 auto; padding: 20px 28px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure.card { margin: 0; background: #fff; border: 1px solid #e3e8ef; border-radius: 10px; padding: 14px 16px; }
figcaption h3 { margin: 0; font-size: 15px; } figcaption p { margin: 4px 0 8px; font-size: 12.5px; color: #5b6878; }
.box { position: relative; height: 300px; } code { font-size: 12px; } li { font-size: 13px; margin: 2px 0; }
</style></head><body>
<header><h1>Rollout of agent ${escapeHtml(s.release.version)}: ${escapeHtml(v.status)}</h1>
<p>${v.totals.total} meters on ${v.gateways.length} gateways · ${v.totals.updated} updated, ${v.totals.failed} failed, ${v.totals.refused} refused, ${v.totals.reverted} reverted${v.elapsedSeconds !== undefined ? ` · ${v.elapsedSeconds.toFixed(1)} s` : ''} · sha256 <code>${escapeHtml(s.release.hash)}</code></p>
${v.abortReason ? `<p>${escapeHtml(v.abortReason)}</p>` : ''}</header>
<main><section class="charts">${cards}</section><h3>Events</h3><ul>${events}</ul></main>
<script>${chartJs}</script>
<script type="application/json" id="report-data">${scriptJson({ charts })}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
