// summary.json: the run's headline numbers (objectives, gap, iterations, residuals, times), the
// per-prosumer energy totals and costs of both solutions, the prosumers Fig. 6 singles out, and
// the iteration history, so scripts can read a run without parsing CSV or HTML.
import type { PoolOutcome, PoolResult } from '../admm/poolEngine.js';
import type { CoordinationResult, ProsumerSchedule } from '../admm/types.js';
import type { Scenario } from '../model/scenario.js';
import { biggestSellerAndBuyer } from './tradeMatrix.js';
import type { RadioReportFigures } from './radioFigures.js';

/** Optional additions to a report; the on-chain pilot fills `gasPerIteration`. */
export interface ReportExtras {
  /** gas used by all transactions of each iteration (index k = iteration k + 1) */
  gasPerIteration?: number[];
  /** title shown at the top of report.html */
  title?: string;
  /** currency shown on price axes and costs; default "$" */
  currency?: string;
  /** free-form notes shown under the title (e.g. the command that produced the run) */
  notes?: string[];
  /** iterations of each round of a rolling run: the first clearing, then each re-clear (pool pilot --rolling) */
  rollingIterations?: number[];
  /** a round cleared over simulated LoRaWAN (`pilot --transport lorawan`): the radio section */
  radio?: RadioReportFigures;
}

export interface ProsumerTotals {
  id: string;
  admmCost: number;
  centralizedCost: number;
  admmCostTerms: Record<string, number>;
  loadKWh: number;
  pvAvailableKWh: number;
  gridPurchaseKWh: number;
  renewableUsedKWh: number;
  feedInKWh: number;
  demandResponseKWh: number;
  hvacKWh: number;
  shiftableKWh: number;
  soldKWh: number;
  boughtKWh: number;
  peakPurchaseKW: number;
}

/** The headline figures of a run, as `simulate --json` and `pilot --json` print them. */
export const HEADLINE_FIELDS = [
  'iterations',
  'converged',
  'stopRuleMet',
  'admmObjective',
  'centralizedObjective',
  'relativeGap',
  'primalResidual',
  'dualResidual',
  'seconds',
  'centralizedSeconds',
] as const;

export type HeadlineFigures = Pick<CoordinationResult, (typeof HEADLINE_FIELDS)[number]>;

export function headlineFigures(result: CoordinationResult): HeadlineFigures {
  return Object.fromEntries(HEADLINE_FIELDS.map((k) => [k, result[k]])) as HeadlineFigures;
}

/** The pool market's figures in summary.json (absent for the bilateral market). */
export type PoolSummary = Pick<PoolOutcome, 'status' | 'rho' | 'alpha' | 'resolutionKw' | 'largestImbalanceKw' | 'clearingPrices' | 'settlement'>;

/** The pool outcome of a result, or null for the bilateral market. */
export function poolOutcomeOf(result: CoordinationResult): PoolOutcome | null {
  return (result as Partial<PoolResult>).market === 'pool' ? ((result as PoolResult).pool ?? null) : null;
}

export interface ReportSummary extends HeadlineFigures, Pick<CoordinationResult, 'prosumers' | 'horizon' | 'dtHours' | 'history'> {
  /** 'pool' (community market) or 'bilateral' (the paper's) */
  market: 'pool' | 'bilateral';
  pool?: PoolSummary;
  title: string;
  source: string;
  generatedAt: string;
  currency: string;
  start: string;
  end: string;
  options: Scenario['options'];
  biggestSeller: string;
  biggestBuyer: string;
  totals: ProsumerTotals[];
  gasPerIteration?: number[];
  rollingIterations?: number[];
  /** the radio section of a round cleared over simulated LoRaWAN */
  radio?: RadioReportFigures;
  notes: string[];
}

const sum = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let k = 0; k < xs.length; k++) s += xs[k];
  return s;
};

function totalsOf(admm: ProsumerSchedule, central: ProsumerSchedule | undefined, scenario: Scenario): ProsumerTotals {
  const dt = scenario.dtHours;
  const input = scenario.prosumers.find((p) => p.id === admm.id);
  return {
    id: admm.id,
    admmCost: admm.cost,
    centralizedCost: central?.cost ?? Number.NaN,
    admmCostTerms: admm.costTerms,
    loadKWh: input ? sum(input.series.load) * dt : Number.NaN,
    pvAvailableKWh: input ? sum(input.series.pv) * dt : Number.NaN,
    gridPurchaseKWh: sum(admm.pG) * dt,
    renewableUsedKWh: sum(admm.pRE) * dt,
    feedInKWh: sum(admm.pFIT) * dt,
    demandResponseKWh: sum(admm.pDR) * dt,
    hvacKWh: sum(admm.pAC) * dt,
    shiftableKWh: sum(admm.pS) * dt,
    soldKWh: sum(admm.netTrade.map((v) => Math.max(0, v))) * dt,
    boughtKWh: sum(admm.netTrade.map((v) => Math.max(0, -v))) * dt,
    peakPurchaseKW: Math.max(0, ...admm.pG),
  };
}

export function buildSummary(result: CoordinationResult, scenario: Scenario, extras: ReportExtras = {}): ReportSummary {
  const { seller, buyer } = biggestSellerAndBuyer(result);
  const pool = poolOutcomeOf(result);
  const summary: ReportSummary = {
    market: pool ? 'pool' : 'bilateral',
    title: extras.title ?? 'derchain coordination report',
    source: scenario.source,
    generatedAt: new Date().toISOString(),
    currency: extras.currency ?? '$',
    prosumers: result.prosumers,
    horizon: result.horizon,
    dtHours: result.dtHours,
    start: result.timestamps[0] ?? '',
    end: result.timestamps[result.timestamps.length - 1] ?? '',
    options: scenario.options,
    ...headlineFigures(result),
    biggestSeller: result.prosumers[seller] ?? '',
    biggestBuyer: result.prosumers[buyer] ?? '',
    totals: result.admmSchedules.map((s) => totalsOf(s, result.centralSchedules.find((c) => c.id === s.id), scenario)),
    history: result.history,
    notes: extras.notes ?? [],
  };
  if (extras.gasPerIteration) summary.gasPerIteration = extras.gasPerIteration;
  if (extras.rollingIterations) summary.rollingIterations = extras.rollingIterations;
  if (extras.radio) summary.radio = extras.radio;
  if (pool) {
    const { status, rho, alpha, resolutionKw, largestImbalanceKw, clearingPrices, settlement } = pool;
    summary.pool = { status, rho, alpha, resolutionKw, largestImbalanceKw, clearingPrices, settlement };
  }
  return summary;
}
