// Result types of a coordination run (centralised reference and ADMM), shared by the engine,
// the on-chain pilot, the CLI's JSON output and the report.

export type { ProsumerSchedule } from '../model/prosumerSchedule.js';
import type { ProsumerSchedule } from '../model/prosumerSchedule.js';

export interface IterationRecord {
  /** 1-based iteration number */
  iteration: number;
  /** ||pHat - pET||, kW */
  primalResidual: number;
  /** rho * ||pHat_k - pHat_{k-1}||, currency/kWh */
  dualResidual: number;
  /** rho used in the iteration, currency/kWh per kW */
  rho: number;
  /** sum of the prosumers' own costs at this iterate */
  objective: number;
  /** wall-clock seconds since the start of ADMM */
  seconds: number;
  /** gas used by all transactions of this iteration (on-chain runs only) */
  gas?: number;
  /** pool market: largest |sum_i s_i[t]| over the slots before balancing, kW */
  largestImbalanceKw?: number;
}

export interface CoordinationResult {
  prosumers: string[];
  horizon: number;
  dtHours: number;
  timestamps: string[];
  iterations: number;
  /**
   * the stopping rule was met AND the result is not far from the centralised optimum (relative
   * gap at most MAX_CONVERGED_GAP when the reference was solved); see `stopRuleMet`
   */
  converged: boolean;
  /** the coordinator's stopping rule (residuals) was met, whatever the gap */
  stopRuleMet: boolean;
  admmObjective: number;
  centralizedObjective: number;
  relativeGap: number;
  primalResidual: number;
  dualResidual: number;
  seconds: number;
  centralizedSeconds: number;
  history: IterationRecord[];
  admmSchedules: ProsumerSchedule[];
  centralSchedules: ProsumerSchedule[];
  /** final trades pET[i][j][t], kW */
  trades: number[][][];
  /** final clearing prices lambda[i][j][t], currency/kWh */
  prices: number[][][];
}
