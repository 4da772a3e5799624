// Pool (community) market figures: per real day of the shared extract (N = 10, T = 24; 2016-08-08,
// 2016-09-12, 2016-11-14, 2017-01-23) and per generator size N = 10, 30, 100, 1000 (T = 24): the
// iterations to the residual stop from a cold start, the relative gap to the centralised optimum,
// the largest slot imbalance before balancing, the seconds, and the iterations of hourly rolling
// re-clears (window shifted one slot, warm-started from the last clearing).
//   npm run bench -- pool          (BENCH_QUICK=1 skips N = 1000; POOL_ROLLING=H re-clears, default 3)
// The extract is found as `simulate` finds it (DERCHAIN_DATA_DIR or ../shared/data).
import { DEFAULT_POOL_OPTIONS, runPool, type PoolResult } from '../admm/poolEngine.js';
import { firstStayingWithin, runPoolRolling } from '../admm/poolRolling.js';
import { locateExtract } from '../data/dataLocation.js';
import { loadScenario } from '../data/loadScenario.js';
import type { Scenario } from '../model/scenario.js';

const REAL_DAYS = ['2016-08-08', '2016-09-12', '2016-11-14', '2017-01-23'];

function rollingIterations(scenario: Scenario, hours: number): string {
  if (hours <= 0) return '-';
  const r = runPoolRolling(scenario, { hours, window: 24 });
  const steps = r.steps.slice(1);
  return `${steps.map((s) => s.iterations).join(',')} (gap<=1e-3 from iter ${steps.map((s) => s.gapBelow1e3From ?? '-').join(',')})`;
}

function line(label: string, r: PoolResult, rolling: string): void {
  console.log(
    [
      label.padEnd(22),
      `iter ${String(r.iterations).padStart(3)} ${r.pool.status === 'converged' ? '' : `(${r.pool.status})`}`.padEnd(10),
      `gap ${r.relativeGap.toExponential(1)}`,
      `gap<=1e-3 from iter ${firstStayingWithin(r, 1e-3) ?? '-'}`,
      `imbalance ${r.pool.largestImbalanceKw.toFixed(3)} kW (first iter ${(r.history[0]?.largestImbalanceKw ?? Number.NaN).toFixed(2)})`,
      `pool ${r.seconds.toFixed(1)} s (${((1000 * r.seconds) / r.iterations / r.prosumers.length).toFixed(1)} ms/local solve)`,
      `central ${r.centralizedSeconds.toFixed(1)} s`,
      `rolling re-clears ${rolling}`,
    ].join(' | '),
  );
}

export async function run(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const hours = Number(process.env.POOL_ROLLING ?? 3);
  const d = DEFAULT_POOL_OPTIONS;
  console.log(
    `defaults: rho scale-aware x ${d.rhoScale}, alpha ${d.alpha}, resolution ${d.resolution} µkW, cold prices ${d.coldPrices}, stop epsPrimal ${d.epsPrimal} kW/household, epsDual ${d.epsDual}, from iteration ${d.minIterations}`,
  );
  const extract = locateExtract();
  if (extract) {
    for (const day of REAL_DAYS) {
      const sc = loadScenario({ data: extract, prosumers: 10, start: day, days: hours > 0 ? 2 : 1 }).scenario;
      const oneDay = loadScenario({ data: extract, prosumers: 10, start: day, days: 1 }).scenario;
      line(`real ${day} N=10`, runPool(oneDay), rollingIterations(sc, hours));
    }
  } else console.log('real extract: not found (set DERCHAIN_DATA_DIR); skipped');
  const sizes = quick ? [10, 30, 100] : [10, 30, 100, 1000];
  for (const n of sizes) {
    const oneDay = loadScenario({ generator: true, prosumers: n, days: 1, start: '2016-08-08', seed: 1 }).scenario;
    // rolling at N <= 100 (at N = 1000 one re-clear costs as much as the cold clearing's tail)
    const two = n <= 100 ? loadScenario({ generator: true, prosumers: n, days: 2, start: '2016-08-08', seed: 1 }).scenario : null;
    line(`generator N=${n}`, runPool(oneDay), two ? rollingIterations(two, hours) : '-');
  }
}
