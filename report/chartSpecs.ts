// The report's charts as plain data (titles, axis labels with units, series), built from a
// coordination result and its scenario. The page script (htmlPage.ts) turns each spec into a
// Chart.js chart; tests read the same specs. Figures follow the paper: Fig. 3 convergence,
// Fig. 4 (a) grid purchase (b) renewable use (c) shiftable load (d) HVAC load, Fig. 5 (a) feed-in
// (b) demand response, Fig. 6 the trades of the biggest seller and the biggest buyer; then
// battery level, indoor temperature, clearing prices and (on-chain runs) gas per iteration.
import type { CoordinationResult, ProsumerSchedule } from '../admm/types.js';
import type { Scenario } from '../model/scenario.js';
import { poolOutcomeOf, type ReportExtras } from './reportSummary.js';
import { biggestSellerAndBuyer, pairValue } from './tradeMatrix.js';
import { radioChartSpecs } from './radioFigures.js';

export interface ChartSeries {
  label: string;
  data: (number | null)[];
  color: string;
  dashed?: boolean;
  /** fill to the previous dataset ('-1') or to zero ('origin') */
  fill?: '-1' | 'origin';
  /** draw as bars inside a line chart */
  bar?: boolean;
  /** hide the line, keep the fill (bands) */
  noLine?: boolean;
}

export interface ChartSpec {
  id: string;
  /** paper figure it reproduces, e.g. "Fig. 4(a)" */
  figure?: string;
  title: string;
  subtitle: string;
  type: 'line' | 'bar';
  xTitle: string;
  yTitle: string;
  labels: string[];
  series: ChartSeries[];
  logY?: boolean;
  stacked?: boolean;
  /** spans the full width of the page */
  wide?: boolean;
  /** draw the series as steps (values hold over a slot) */
  stepped?: boolean;
}

/** Qualitative palette (colour-blind friendly order); reused with dashes beyond ten. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const colorOf = (k: number) => PALETTE[k % PALETTE.length];

/** Axis labels of the slots: "HH:MM" within one day, "ddd MM-DD HH:MM" across days. */
export function slotLabels(timestamps: string[]): string[] {
  const dates = new Set(timestamps.map((t) => t.slice(0, 10)));
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return timestamps.map((t) => {
    const time = t.slice(11, 16);
    if (dates.size <= 1) return time;
    const [y, m, d] = t.slice(0, 10).split('-').map(Number);
    const weekday = days[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
    return `${weekday} ${t.slice(5, 10)} ${time}`;
  });
}

/** Six significant digits; solver noise below 1e-6 (kW, kWh, currency/kWh) is drawn as zero. */
const round = (v: number) => (Math.abs(v) < 1e-6 ? 0 : Number(v.toPrecision(6)));

function perProsumer(
  schedules: ProsumerSchedule[],
  pick: (s: ProsumerSchedule) => number[],
): ChartSeries[] {
  return schedules.map((s, k) => ({
    label: s.id,
    data: pick(s).map(round),
    color: colorOf(k),
    dashed: k >= PALETTE.length,
  }));
}

function totalOver(arrays: ArrayLike<number>[], horizon: number): number[] {
  return Array.from({ length: horizon }, (_, t) => arrays.reduce((a, xs) => a + (xs[t] ?? 0), 0));
}

/** Pool market: the prosumer's balanced trade with the community and its last submitted net trade. */
function poolTradesOf(result: CoordinationResult, i: number, labels: string[], who: string, figure: string): ChartSpec | null {
  const pool = poolOutcomeOf(result);
  if (!pool) return null;
  const id = result.prosumers[i];
  const net = pool.balancedTrades[i].reduce((a, v) => a + v, 0) * result.dtHours;
  return {
    id: `trades-${id}`,
    figure,
    title: `Trades of ${id} with the community (${who})`,
    subtitle: `Balanced trade z[t] = s[t] - s̄[t] (bars; above zero ${id} sells) and its submitted net trade s[t] (line). Net ${net >= 0 ? 'sold' : 'bought'} ${Math.abs(net).toFixed(1)} kWh; settlement ${pool.settlement[i].currency.toFixed(2)} (positive: paid to ${id}).`,
    type: 'bar',
    xTitle: 'time (local)',
    yTitle: 'traded power (kW)',
    labels,
    series: [
      { label: 'balanced trade z', data: pool.balancedTrades[i].map(round), color: colorOf(i), bar: true },
      { label: 'submitted net trade s', data: pool.submittedTrades[i].map(round), color: '#333333', dashed: true },
    ],
  };
}

function tradesOf(result: CoordinationResult, i: number, labels: string[], who: string, figure: string): ChartSpec {
  const poolSpec = poolTradesOf(result, i, labels, who, figure);
  if (poolSpec) return poolSpec;
  const n = result.prosumers.length;
  const series: ChartSeries[] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const data = Array.from({ length: result.horizon }, (_, t) => round(pairValue(result.trades, n, i, j, t)));
    if (data.every((v) => Math.abs(v) < 1e-6)) continue;
    series.push({ label: `with ${result.prosumers[j]}`, data, color: colorOf(j), bar: true });
  }
  if (series.length === 0) {
    series.push({ label: 'no trades', data: Array.from({ length: result.horizon }, () => 0), color: '#bab0ac', bar: true });
  }
  const net = result.admmSchedules[i].netTrade.reduce((a, v) => a + v, 0) * result.dtHours;
  return {
    id: `trades-${result.prosumers[i]}`,
    figure,
    title: `Trades of ${result.prosumers[i]} (${who})`,
    subtitle: `pET[${result.prosumers[i]}][j][t] by partner j; above zero ${result.prosumers[i]} sells, below it buys. Net ${net >= 0 ? 'sold' : 'bought'} ${Math.abs(net).toFixed(1)} kWh over the horizon.`,
    type: 'bar',
    xTitle: 'time (local)',
    yTitle: 'traded power (kW)',
    labels,
    series,
    stacked: true,
  };
}

function tariffSeries(scenario: Scenario): ChartSeries[] {
  const series: ChartSeries[] = [
    { label: 'grid energy price πE', data: Array.from(scenario.tariff.energy, round), color: '#e15759', dashed: true },
    { label: 'feed-in tariff πFIT', data: Array.from(scenario.tariff.feedIn, round), color: '#59a14f', dashed: true },
  ];
  if (scenario.tariff.demandResponse.some((v) => v !== 0)) {
    series.push({ label: 'demand-response rate πDR', data: Array.from(scenario.tariff.demandResponse, round), color: '#b07aa1', dashed: true });
  }
  return series;
}

function clearingPrices(result: CoordinationResult, scenario: Scenario, labels: string[], currency: string): ChartSpec {
  const pool = poolOutcomeOf(result);
  if (pool) {
    return {
      id: 'prices',
      title: 'Clearing prices',
      subtitle: 'The community price per slot (pool market; a buyer pays it, a seller receives it), against the grid tariff.',
      type: 'line',
      xTitle: 'time (local)',
      yTitle: `price (${currency}/kWh)`,
      labels,
      series: [{ label: 'clearing price λ', data: pool.clearingPrices.map(round), color: '#4e79a7' }, ...tariffSeries(scenario)],
      stepped: true,
    };
  }
  const n = result.prosumers.length;
  const mean: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let t = 0; t < result.horizon; t++) {
    const values: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) values.push(pairValue(result.prices, n, i, j, t));
    if (values.length === 0) values.push(0);
    mean.push(round(values.reduce((a, v) => a + v, 0) / values.length));
    lo.push(round(Math.min(...values)));
    hi.push(round(Math.max(...values)));
  }
  const series: ChartSeries[] = [
    { label: 'lowest pair price', data: lo, color: '#4e79a7', noLine: true },
    { label: 'highest pair price', data: hi, color: '#4e79a7', fill: '-1', noLine: true },
    { label: 'mean clearing price λ', data: mean, color: '#4e79a7' },
    ...tariffSeries(scenario),
  ];
  return {
    id: 'prices',
    title: 'Clearing prices',
    subtitle: 'Final ADMM duals λ[i][j][t] (the bilateral prices) over all pairs: mean and range, against the grid tariff.',
    type: 'line',
    xTitle: 'time (local)',
    yTitle: `price (${currency}/kWh)`,
    labels,
    series,
    stepped: true,
  };
}

/** All charts of the report, in page order. */
export function buildChartSpecs(result: CoordinationResult, scenario: Scenario, extras: ReportExtras = {}): ChartSpec[] {
  const currency = extras.currency ?? '$';
  const labels = slotLabels(result.timestamps);
  const admm = result.admmSchedules;
  const T = result.horizon;
  const iterations = result.history.map((h) => String(h.iteration));
  const positive = (v: number) => (v > 0 && Number.isFinite(v) ? Number(v.toPrecision(6)) : null);
  const time = { type: 'line' as const, xTitle: 'time (local)', labels, stepped: true };
  const specs: ChartSpec[] = [
    {
      id: 'convergence',
      figure: 'Fig. 3',
      title: 'Convergence of the distributed algorithm',
      subtitle: `Primal residual ‖p̂ − pET‖ and dual residual ρ‖p̂ₖ − p̂ₖ₋₁‖ per ADMM iteration (${result.iterations} iterations, ${result.converged ? 'converged' : 'not converged'}).`,
      type: 'line',
      xTitle: 'iteration',
      yTitle: 'residual (log scale; kW, ' + currency + '/kWh)',
      labels: iterations,
      logY: true,
      series: [
        { label: 'primal residual (kW)', data: result.history.map((h) => positive(h.primalResidual)), color: '#4e79a7' },
        { label: `dual residual (${currency}/kWh)`, data: result.history.map((h) => positive(h.dualResidual)), color: '#e15759' },
        ...(poolOutcomeOf(result)
          ? [{ label: 'largest slot imbalance (kW)', data: result.history.map((h) => positive(h.largestImbalanceKw ?? Number.NaN)), color: '#59a14f', dashed: true }]
          : []),
      ],
    },
    {
      id: 'overview',
      ...time,
      title: 'Neighbourhood balance',
      subtitle: 'Total inflexible load and available PV of all prosumers, and the total grid purchase of the ADMM and the centralised solution.',
      yTitle: 'power (kW)',
      series: [
        { label: 'load (inflexible)', data: totalOver(scenario.prosumers.map((p) => p.series.load), T).map(round), color: '#9c755f' },
        { label: 'PV available', data: totalOver(scenario.prosumers.map((p) => p.series.pv), T).map(round), color: '#edc948', fill: 'origin' },
        { label: 'grid purchase (ADMM)', data: totalOver(admm.map((s) => s.pG), T).map(round), color: '#4e79a7' },
        {
          label: 'grid purchase (centralised)',
          data: totalOver(result.centralSchedules.map((s) => s.pG), T).map(round),
          color: '#e15759',
          dashed: true,
        },
      ],
    },
    { id: 'grid', figure: 'Fig. 4(a)', ...time, title: 'Grid purchase', subtitle: 'pG[t] per prosumer.', yTitle: 'power (kW)', series: perProsumer(admm, (s) => s.pG) },
    {
      id: 'renewable',
      figure: 'Fig. 4(b)',
      ...time,
      title: 'Renewable energy used',
      subtitle: 'Self-used PV pRE[t] per prosumer.',
      yTitle: 'power (kW)',
      series: perProsumer(admm, (s) => s.pRE),
    },
    { id: 'shiftable', figure: 'Fig. 4(c)', ...time, title: 'Shiftable load', subtitle: 'Scheduled shiftable load pS[t] per prosumer.', yTitle: 'power (kW)', series: perProsumer(admm, (s) => s.pS) },
    { id: 'hvac', figure: 'Fig. 4(d)', ...time, title: 'HVAC load', subtitle: 'HVAC electric power pAC[t] per prosumer.', yTitle: 'power (kW)', series: perProsumer(admm, (s) => s.pAC) },
    { id: 'feedin', figure: 'Fig. 5(a)', ...time, title: 'Feed-in energy', subtitle: 'PV sold to the grid pFIT[t] per prosumer.', yTitle: 'power (kW)', series: perProsumer(admm, (s) => s.pFIT) },
    {
      id: 'demandresponse',
      figure: 'Fig. 5(b)',
      ...time,
      title: 'Demand response',
      subtitle: `Load reduction pDR[t] per prosumer (${scenario.options.demandResponse} mode).`,
      yTitle: 'power (kW)',
      series: perProsumer(admm, (s) => s.pDR),
    },
  ];
  if (result.prosumers.length >= 2) {
    const { seller, buyer } = biggestSellerAndBuyer(result);
    specs.push(tradesOf(result, seller, labels, 'biggest seller', 'Fig. 6(a)'));
    specs.push(tradesOf(result, buyer, labels, 'biggest buyer', 'Fig. 6(b)'));
  }
  specs.push(
    {
      id: 'battery',
      ...time,
      stepped: false,
      title: 'Battery level',
      subtitle: 'Stored energy e[t] at the end of each slot per prosumer.',
      yTitle: 'energy (kWh)',
      series: perProsumer(admm, (s) => s.e),
    },
    {
      id: 'temperature',
      ...time,
      stepped: false,
      title: 'Indoor and outdoor temperature',
      subtitle: 'Indoor temperature tIn[t] per prosumer and the outdoor temperature of the first prosumer (dashed).',
      yTitle: 'temperature (°C)',
      series: [
        ...perProsumer(admm, (s) => s.tIn),
        { label: 'outdoor', data: Array.from(scenario.prosumers[0]?.series.tOut ?? [], round), color: '#333333', dashed: true },
      ],
    },
    clearingPrices(result, scenario, labels, currency),
  );
  if (extras.gasPerIteration && extras.gasPerIteration.length > 0) {
    specs.push({
      id: 'gas',
      title: 'Gas per iteration',
      subtitle: 'Gas used by all transactions of each ADMM iteration on chain.',
      type: 'bar',
      xTitle: 'iteration',
      yTitle: 'gas',
      labels: extras.gasPerIteration.map((_, k) => String(k + 1)),
      series: [{ label: 'gas', data: extras.gasPerIteration, color: '#76b7b2', bar: true }],
      wide: true,
    });
  }
  if (extras.rollingIterations && extras.rollingIterations.length > 0) {
    specs.push({
      id: 'rolling',
      title: 'Iterations per rolling re-clear',
      subtitle: 'Round 0 is the first (cold) clearing; each later round re-clears the window shifted one slot, warm-started from the one before.',
      type: 'bar',
      xTitle: 're-clear',
      yTitle: 'iterations',
      labels: extras.rollingIterations.map((_, k) => String(k)),
      series: [{ label: 'iterations', data: extras.rollingIterations, color: '#f28e2b', bar: true }],
      wide: true,
    });
  }
  if (extras.radio) specs.push(...radioChartSpecs(extras.radio));
  return specs;
}
