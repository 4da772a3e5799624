// Pool (community) market figures: per real day of the shared extract (N = 10, T = 24; 2016-08-08,
// 2016-09-12, 2016-11-14, 2017-01-23) and per generator size N = 10, 30, 100, 1000 (T = 24): the
// iterations to the residual stop from a cold start, the relative gap to the centralised optimum,
// the largest slot imbalance before balancing, the seconds, and the iterations of hourly rolling
// re-clears (window shifted one slot, warm-started from the last clearing).
// Each case ends with one JSON line (`pool-bench {...}`): iterations, stop status ('converged' = the
// residual rule of admm/poolStep.ts), relativeGap, largestImbalanceKw (before balancing), and per
// rolling re-clear the iterations and the first warm iteration's largest slot imbalance and slot.
// On the real days it also re-clears the UNSHIFTED window warm-started from its own clearing: that
// isolates the warm-start mechanics (prices + targets) from the change a one-slot shift brings.
//   npm run bench -- pool          (BENCH_QUICK=1 skips N = 1000; POOL_ROLLING=H re-clears, default 3)
//   POOL_TERMINAL=off                    the rolling windows without the battery end condition (diagnosis)
//   POOL_SWEEP=1 npm run bench -- pool   only the tuning sweep: on the four real days, for alpha 1.3-1.8
//   and rho x 1.5, 2, 3, iterations 1-10 with the stop off: relative gap / largest slot
//   imbalance per household (W) / dual residual per entry (milli-currency/kWh) at each iteration.
// The extract is found as `simulate` finds it (DERCHAIN_DATA_DIR or ../shared/data).
import { relativeGapTo } from '../admm/engine.js';
import { DEFAULT_POOL_OPTIONS, runPool, setupPool, type PoolOptions, type PoolResult } from '../admm/poolEngine.js';
import { firstStayingWithin, runPoolRolling, type RollingStep } from '../admm/poolRolling.js';
import { locateExtract } from '../data/dataLocation.js';
import { loadScenario } from '../data/loadScenario.js';
import type { Scenario } from '../model/scenario.js';
import { solveCentralized } from '../model/socialProblem.js';

const REAL_DAYS = ['2016-08-08', '2016-09-12', '2016-11-14', '2017-01-23'];

function rollingSteps(scenario: Scenario, hours: number): RollingStep[] {
  // POOL_TERMINAL=off: the windows drop the battery end condition e[T] >= e[0] (diagnosis only)
  const sc = process.env.POOL_TERMINAL === 'off' ? { ...scenario, options: { ...scenario.options, terminalEnergy: false } } : scenario;
  return hours > 0 ? runPoolRolling(sc, { hours, window: 24 }).steps.slice(1) : [];
}

function rollingText(steps: RollingStep[]): string {
  if (steps.length === 0) return '-';
  return [
    steps.map((s) => s.iterations).join(','),
    `(${steps.map((s) => (s.status === 'converged' ? 'residual stop' : s.status)).join(',')};`,
    `gap<=1e-3 from iter ${steps.map((s) => s.gapBelow1e3From ?? '-').join(',')};`,
    `first warm iteration: largest imbalance ${steps.map((s) => `${s.firstIterationImbalanceKw.toFixed(2)} kW in slot ${s.firstIterationImbalanceSlot}`).join(', ')})`,
  ].join(' ');
}

/** A re-clear of the same window warm-started from its own clearing (no shift): iterations. */
function unshiftedWarmIterations(scenario: Scenario): number {
  const p = setupPool(scenario, { centralized: false });
  const cold = p.solve();
  return p.warmStart({ prices: cold.pool.clearingPrices, targets: cold.pool.fixed.targets.map((z) => z.map((v) => Number(v) / 1e6)) }).solve().iterations;
}

function json(label: string, r: PoolResult, steps: RollingStep[], extra: Record<string, unknown> = {}): void {
  const out = {
    case: label,
    prosumers: r.prosumers.length,
    horizon: r.horizon,
    iterations: r.iterations,
    status: r.pool.status,
    relativeGap: r.relativeGap,
    largestImbalanceKw: r.pool.largestImbalanceKw,
    gapBelow1e3From: firstStayingWithin(r, 1e-3) ?? null,
    seconds: r.seconds,
    rolling: steps.map((s) => ({
      iterations: s.iterations,
      status: s.status,
      relativeGap: s.relativeGap,
      largestImbalanceKw: s.largestImbalanceKw,
      firstIterationImbalanceKw: s.firstIterationImbalanceKw,
      firstIterationImbalanceSlot: s.firstIterationImbalanceSlot,
    })),
    ...extra,
  };
  console.log(`pool-bench ${JSON.stringify(out)}`);
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

const SWEEP: Partial<PoolOptions>[] = [
  { alpha: 1.3 },
  { alpha: 1.4 },
  { alpha: 1.5 },
  { alpha: 1.6 },
  { alpha: 1.8 },
  { rhoScale: 1.5, alpha: 1.6 },
  { rhoScale: 2, alpha: 1.6 },
  { rhoScale: 3, alpha: 1.6 },
  { rhoScale: 2, alpha: 1.4 },
  { rhoScale: 2, alpha: 1.8 },
];

function sweep(extract: string): void {
  for (const day of REAL_DAYS) {
    const sc = loadScenario({ data: extract, prosumers: 10, start: day, days: 1 }).scenario;
    const central = solveCentralized(sc);
    const n = sc.prosumers.length;
    for (const o of SWEEP) {
      const p = setupPool(sc, { ...o, centralized: false, epsPrimal: 0, epsDual: 0, maxIterations: 10 });
      const cells: string[] = [];
      for (const it of p.iterations()) {
        const r = it.record;
        const gap = relativeGapTo(r.objective, central);
        cells.push(`${r.iteration}:${gap.toExponential(0)}/${((1000 * (r.largestImbalanceKw ?? Number.NaN)) / n).toFixed(0)}W/${((1000 * r.dualResidual) / Math.sqrt(n * sc.horizon)).toFixed(1)}m`);
      }
      console.log(`sweep ${day} rho x ${o.rhoScale ?? 1} alpha ${o.alpha ?? DEFAULT_POOL_OPTIONS.alpha}: ${cells.join(' ')}`);
    }
  }
}

export async function run(): Promise<void> {
  if (process.env.POOL_SWEEP === '1') {
    const extract = locateExtract();
    if (!extract) throw new Error('POOL_SWEEP needs the real extract (set DERCHAIN_DATA_DIR)');
    sweep(extract);
    return;
  }
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
      const r = runPool(oneDay);
      const steps = rollingSteps(sc, hours);
      const unshifted = unshiftedWarmIterations(oneDay);
      line(`real ${day} N=10`, r, `${rollingText(steps)} | unshifted warm re-clear ${unshifted}`);
      json(`real ${day}`, r, steps, { unshiftedWarmIterations: unshifted });
    }
  } else console.log('real extract: not found (set DERCHAIN_DATA_DIR); skipped');
  const sizes = quick ? [10, 30, 100] : [10, 30, 100, 1000];
  for (const n of sizes) {
    const oneDay = loadScenario({ generator: true, prosumers: n, days: 1, start: '2016-08-08', seed: 1 }).scenario;
    // rolling at N <= 100 (at N = 1000 one re-clear costs as much as the cold clearing's tail)
    const two = n <= 100 ? loadScenario({ generator: true, prosumers: n, days: 2, start: '2016-08-08', seed: 1 }).scenario : null;
    const r = runPool(oneDay);
    const steps = two ? rollingSteps(two, hours) : [];
    line(`generator N=${n}`, r, rollingText(steps));
    json(`generator N=${n}`, r, steps);
  }
}
