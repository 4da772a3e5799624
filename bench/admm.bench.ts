// ADMM figures: iterations, wall time and objective gap for N = 10, 30, 100 prosumers (T = 24)
// and N = 10 over a week (T = 168), beside the centralised solve, on the built-in generator's data
// (data/loadScenario.ts) with the model's default parameters. Also the effect of rho, residual
// balancing and a warm start from the previous day's prices for N = 10.
//   npm run bench -- admm           (BENCH_QUICK=1 skips N = 100 and the week)
import { DEFAULT_ADMM_OPTIONS, runAdmm, type AdmmOptions } from '../admm/engine.js';
import type { CoordinationResult } from '../admm/types.js';
import { loadScenario } from '../data/loadScenario.js';
import type { Scenario } from '../model/scenario.js';
import { solveCentralized } from '../model/socialProblem.js';

function scenario(prosumers: number, days: number, start = '2016-08-08'): Scenario {
  return loadScenario({ generator: true, prosumers, days, start, seed: 1 }).scenario;
}

function firstWithin(r: CoordinationResult, gap: number): number | undefined {
  return r.history.find((h) => Math.abs(h.objective - r.centralizedObjective) <= gap * Math.abs(r.centralizedObjective))?.iteration;
}

function line(label: string, r: CoordinationResult): void {
  console.log(
    [
      label.padEnd(34),
      `iter ${String(r.iterations).padStart(3)}${r.converged ? '' : ' (cap)'}`,
      `gap ${r.relativeGap.toExponential(1)}`,
      `gap<=1e-3 from iter ${firstWithin(r, 1e-3) ?? '-'}`,
      `admm ${r.seconds.toFixed(2)} s (${((1000 * r.seconds) / r.iterations / r.prosumers.length).toFixed(1)} ms/local solve)`,
      `central ${r.centralizedSeconds.toFixed(2)} s`,
    ].join(' | '),
  );
}

export async function run(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const d = DEFAULT_ADMM_OPTIONS;
  console.log(`defaults: rho ${d.rho}, balance ${d.balanceRho}, epsAbs ${d.epsAbs} kW, epsDual ${d.epsDual}, epsRel ${d.epsRel}`);
  const sizes: [number, number][] = quick ? [[10, 1], [30, 1]] : [[10, 1], [30, 1], [100, 1], [10, 7]];
  for (const [n, days] of sizes) {
    const sc = scenario(n, days);
    line(`N=${n} T=${sc.horizon}`, runAdmm(sc));
    // the default per-entry tolerance leaves N = 100 right at a 1e-3 gap; a tighter one (the CLI's
    // --eps-abs) buys margin for a few more iterations
    if (n === 100) line(`N=${n} T=${sc.horizon} epsAbs 3e-6`, runAdmm(sc, { epsAbs: 3e-6 }));
  }
  const sc = scenario(10, 1);
  const variants: [string, Partial<AdmmOptions>][] = [
    ['rho 0.1, balancing', { rho: 0.1 }],
    ['rho 0.5, balancing', { rho: 0.5 }],
    ['rho 2, balancing', { rho: 2 }],
    ['rho 4, balancing', { rho: 4 }],
    ['rho default, no balancing', { balanceRho: false }],
  ];
  for (const [label, o] of variants) line(`N=10 T=24 ${label}`, runAdmm(sc, o));
  // warm start: the previous day's final prices
  const yesterday = runAdmm(scenario(10, 1, '2016-08-07'), { centralized: false });
  line('N=10 T=24 warm start (prev. day)', runAdmm(sc, { initialPrices: yesterday.prices }));
  // and from the centralised duals' own fixed point: restart from today's converged prices
  const today = runAdmm(sc, { centralized: false });
  line('N=10 T=24 restart from own prices', runAdmm(sc, { initialPrices: today.prices }));
  const t0 = performance.now();
  solveCentralized(sc);
  console.log(`centralised N=10 T=24 alone: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}
