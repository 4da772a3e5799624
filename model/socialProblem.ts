// The DCM, the social problem of the model note: minimise the sum of all prosumers' own costs
// subject to every prosumer's (1)-(9), (11)-(13) and clearing (10). With the net trades s_i the
// clearing of a complete trading graph is sum_i s_i[t] = 0, and the trade cost is
// eps/N * sum_i s_i[t]^2 (model/tradeSplit.ts), so the QP is the stack of the prosumer blocks
// plus T coupling rows. Its optimum is the reference ADMM must reach, so it is solved by default
// with the interior-point solver (accurate to ~1e-9 in a few dozen factorisations; the ADMM
// solver needs tens of thousands of iterations on these degenerate QPs): `solver: 'admm'`
// selects the ADMM solver, `backend` any other. The prosumers' own problems (solveLocal, also
// used to name an infeasible prosumer) stay on the ADMM solver.
import type { ProsumerSchedule } from './prosumerSchedule.js';
import type { SolverStatus } from '../solver/types.js';
import { DerchainInputError } from '../errors/inputError.js';
import { solveLocal } from './localProblem.js';
import { addProsumerBlock, extractSchedule, type BlockContext, type ProsumerLayout } from './prosumerBlock.js';
import { interiorPointBackend, projectSolverBackend, usableStatus, type QpBackend } from './qpBackend.js';
import { QpBuilder } from './qpBuilder.js';
import type { Scenario } from './scenario.js';
import { startSlotOfDay } from './slotCalendar.js';
import { pairwiseTrades, tradeCostShare } from './tradeSplit.js';

export interface CentralizedResult {
  schedules: ProsumerSchedule[];
  /** sum of the prosumers' own costs including the trade cost, currency */
  objective: number;
  seconds: number;
  status: SolverStatus;
  /** solver iterations */
  iterations: number;
}

export function blockContext(scenario: Scenario): BlockContext {
  return {
    tariff: scenario.tariff,
    options: scenario.options,
    dtHours: scenario.dtHours,
    startSlot: startSlotOfDay(scenario.timestamps, scenario.dtHours),
  };
}

/** Name the prosumer whose own constraints fail (solveLocal throws for it), else blame the coupling. */
function explainInfeasible(scenario: Scenario, backend: QpBackend, status: SolverStatus): never {
  const N = scenario.prosumers.length;
  const T = scenario.horizon;
  const ctx = blockContext(scenario);
  for (const prosumer of scenario.prosumers) {
    solveLocal(
      {
        prosumer,
        tariff: scenario.tariff,
        options: scenario.options,
        dtHours: scenario.dtHours,
        partners: N - 1,
        rho: 1,
        lambdaRow: new Float64Array((N - 1) * T),
        hatRow: new Float64Array((N - 1) * T),
        startSlot: ctx.startSlot,
      },
      { backend },
    );
  }
  throw new DerchainInputError(
    `the community cannot balance (solver status ${status}): every prosumer is feasible alone with trades, but the trades cannot clear; some loads exceed what the grid limits and the community's generation can supply`,
    { file: scenario.source },
  );
}

export interface CentralizedSettings {
  /** the QP backend; overrides `solver` */
  backend?: QpBackend;
  /** the project's solver to use when no backend is given (default 'interior-point') */
  solver?: 'interior-point' | 'admm';
}

export function solveCentralized(scenario: Scenario, settings: CentralizedSettings = {}): CentralizedResult {
  const backend = settings.backend ?? (settings.solver === 'admm' ? projectSolverBackend() : interiorPointBackend());
  // local problems (used to explain infeasibility) stay on the ADMM solver unless a backend is given
  const localBackend = settings.backend ?? projectSolverBackend();
  const t0 = performance.now();
  const N = scenario.prosumers.length;
  const T = scenario.horizon;
  const eps = scenario.options.tradeCost;
  const ctx = blockContext(scenario);
  const b = new QpBuilder();
  const layouts: ProsumerLayout[] = scenario.prosumers.map((p) => addProsumerBlock(b, p, ctx));
  for (const L of layouts) for (let t = 0; t < T; t++) b.addQuadratic(L.s[t], L.s[t], (2 * eps) / N);
  for (let t = 0; t < T; t++)
    b.addRow(
      layouts.map((L) => L.s[t]),
      layouts.map(() => 1),
      0,
      0,
    ); // clearing (10) in net form
  const r = backend(b.toProblem());
  if (r.status === 'primal_infeasible') explainInfeasible(scenario, localBackend, r.status);
  if (!usableStatus(r.status)) throw new Error(`centralised solve ended with status ${r.status}`);
  const nets = layouts.map((L) => Array.from(L.s, (k) => r.x[k]));
  const trades = pairwiseTrades(nets);
  const schedules = scenario.prosumers.map((p, i) => extractSchedule(p, layouts[i], r.x, ctx, tradeCostShare(eps, trades[i])));
  let objective = 0;
  for (const s of schedules) objective += s.cost;
  return { schedules, objective, seconds: (performance.now() - t0) / 1000, status: r.status, iterations: r.iterations };
}
