// Benchmark of the project's QP solver on prosumer-shaped QPs (tests/solver/prosumerLikeQp.ts):
// median cold (setup + solve) and warm (linear term updated as in one ADMM step, factorisation
// and iterates kept) solve times for a day (T = 24) and a week (T = 168) with 9 and 99
// partners, beside OSQP 1.0.4 (C, its own timers) and Clarabel 0.11.1 (Rust) on the same
// problems through tests/reference/qp_reference.py when python3 has them.
// Then the centralised reference problem (the DCM, model/socialProblem.ts) for 10 prosumers
// over a week (T = 168): the interior-point solver (the reference since it replaced ADMM),
// the ADMM solver at the reference's former settings (eps 1e-8, 20000 iterations), Clarabel.

import { loadScenario } from '../data/loadScenario.js';
import { MODEL_SOLVER_SETTINGS, REFERENCE_SOLVER_SETTINGS } from '../model/qpBackend.js';
import { solveCentralized } from '../model/socialProblem.js';
import { QpSolver, solveQp, solveQpInteriorPoint } from '../solver/index.js';
import type { QpProblem } from '../solver/types.js';
import { prosumerLikeQp } from '../tests/solver/prosumerLikeQp.js';
import { pythonReferenceUnavailableReason, runPythonReference, warnPythonMissing } from '../tests/solver/pythonReference.js';

const EPS = 1e-4;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/** The linear term after one ADMM step: trades' pHat and lambda move a little. */
function perturbedCost(q: Float64Array, perSlot: number, trades: number, step: number): Float64Array {
  const out = Float64Array.from(q);
  for (let j = 0; j < q.length - 1; j++) {
    if (j % perSlot >= perSlot - trades) out[j] += 0.02 * Math.sin(0.7 * j + step);
  }
  return out;
}

export async function run(): Promise<void> {
  const reason = pythonReferenceUnavailableReason();
  if (reason !== null) warnPythonMissing('bench/solver.bench.ts: OSQP and Clarabel columns', reason);
  const rows: string[] = [];
  const header = 'case            n      m  | ours cold ms (it) | ours warm ms (it) | no polish: cold | warm | OSQP cold ms (it) | OSQP warm ms (it) | Clarabel ms | warm ratio';
  console.log(`\nsolver: prosumer-like QPs, eps ${EPS} (abs and rel), polishing on, medians`);
  console.log(header);
  for (const [T, partners] of [[24, 9], [24, 99], [168, 9], [168, 99]] as const) {
    const problem = prosumerLikeQp(T, partners, 1);
    const repeats = T * partners > 2000 ? 7 : 21;
    const settings = { epsAbs: EPS, epsRel: EPS };
    // JIT warm-up
    new QpSolver(problem, settings).solve();
    const cold: number[] = [];
    let coldIter = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const res = new QpSolver(problem, settings).solve();
      cold.push(performance.now() - t0);
      coldIter = res.iterations;
    }
    const solver = new QpSolver(problem, settings);
    solver.solve();
    const warm: number[] = [];
    const warmIters: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const q = perturbedCost(problem.q, problem.perSlot, problem.tradesPerSlot, r + 1);
      const t0 = performance.now();
      solver.updateLinearCost(q);
      const res = solver.solve();
      warm.push(performance.now() - t0);
      warmIters.push(res.iterations);
    }
    // the same without polishing (what an ADMM inner loop would run)
    const noPolish = { ...settings, polish: false };
    const coldNp: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      new QpSolver(problem, noPolish).solve();
      coldNp.push(performance.now() - t0);
    }
    const solverNp = new QpSolver(problem, noPolish);
    solverNp.solve();
    const warmNp: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const q = perturbedCost(problem.q, problem.perSlot, problem.tradesPerSlot, r + 1);
      const t0 = performance.now();
      solverNp.updateLinearCost(q);
      solverNp.solve();
      warmNp.push(performance.now() - t0);
    }
    let osqpCold = '      n/a', osqpWarm = '      n/a', clarabel = '    n/a', ratio = '  n/a';
    if (reason === null) {
      const ref = runPythonReference(problem, { q2: perturbedCost(problem.q, problem.perSlot, problem.tradesPerSlot, 1), repeat: Math.min(repeats, 7), eps: EPS });
      osqpCold = `${(ref.osqp.setupMs + ref.osqp.solveMs).toFixed(2)} (${ref.osqp.iter})`;
      osqpWarm = `${(ref.osqp.warmMs ?? NaN).toFixed(2)} (${ref.osqp.warmIter ?? '?'})`;
      clarabel = ref.clarabel.solveMs.toFixed(2);
      ratio = `${(median(warm) / (ref.osqp.warmMs ?? NaN)).toFixed(1)}x`;
    }
    const name = `T=${T} N=${partners}`.padEnd(12);
    const line = `${name} ${String(problem.P.n).padStart(6)} ${String(problem.A.m).padStart(6)} | ${`${median(cold).toFixed(2)} (${coldIter})`.padStart(17)} | ${`${median(warm).toFixed(2)} (${median(warmIters)})`.padStart(17)} | ${median(coldNp).toFixed(2).padStart(15)} | ${median(warmNp).toFixed(2).padStart(5)} | ${osqpCold.padStart(17)} | ${osqpWarm.padStart(17)} | ${clarabel.padStart(11)} | ${ratio}`;
    rows.push(line);
    console.log(line);
  }
  console.log('ours: Node wall clock; OSQP, Clarabel: their own timers (setup + solve + polish); warm ratio = ours warm / OSQP warm, both polishing.');
  console.log('warm = updateLinearCost with the trades\' terms moved as in one ADMM step, then solve from the previous iterate.');
  centralisedReference(reason);
}

/** The DCM QP of a scenario, captured from solveCentralized through a recording backend. */
function dcmProblem(prosumers: number, days: number): QpProblem {
  const sc = loadScenario({ generator: true, prosumers, days, start: '2016-08-08', seed: 1 }).scenario;
  let captured: QpProblem | null = null;
  solveCentralized(sc, {
    backend: (problem) => {
      captured = problem;
      const r = solveQpInteriorPoint(problem, REFERENCE_SOLVER_SETTINGS);
      return { status: r.status, x: r.x, objective: r.objective, iterations: r.iterations };
    },
  });
  if (captured === null) throw new Error('solveCentralized did not call its backend');
  return captured;
}

function centralisedReference(reason: string | null): void {
  const problem = dcmProblem(10, 7);
  console.log(`\ncentralised reference (DCM), generator, N = 10, T = 168: n ${problem.P.n}, m ${problem.A.m}`);
  console.log('solver                                   | status       | iter  | ms      | objective');
  const row = (name: string, status: string, iter: number, ms: number, obj: number): void =>
    console.log(`${name.padEnd(40)} | ${status.padEnd(12)} | ${String(iter).padStart(5)} | ${ms.toFixed(0).padStart(7)} | ${obj.toPrecision(15)}`);
  solveQpInteriorPoint(problem, REFERENCE_SOLVER_SETTINGS); // JIT warm-up
  const times: number[] = [];
  let ipm = solveQpInteriorPoint(problem, REFERENCE_SOLVER_SETTINGS);
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    ipm = solveQpInteriorPoint(problem, REFERENCE_SOLVER_SETTINGS);
    times.push(performance.now() - t0);
  }
  row('interior point (eps 1e-9 abs, 1e-10 rel)', ipm.status, ipm.iterations, median(times), ipm.objective);
  const t0 = performance.now();
  const admm = solveQp(problem, MODEL_SOLVER_SETTINGS);
  row('ADMM (eps 1e-8, <= 20000 it.)', admm.status, admm.iterations, performance.now() - t0, admm.objective);
  if (reason === null) {
    const ref = runPythonReference(problem, { eps: 1e-3 });
    row('Clarabel 0.11.1 (tol 1e-10)', ref.clarabel.status, ref.clarabel.iter, ref.clarabel.solveMs, ref.clarabel.obj);
  }
  console.log('ours: Node wall clock, setup (scaling, ordering, symbolic analysis) included, median of 3; Clarabel: its own timer.');
}

// allow `npx tsx bench/solver.bench.ts`
if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
