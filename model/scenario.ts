// The input of a coordination run: the horizon, the tariff, and each prosumer's measured or
// generated series with its DER parameters. Produced by data/ (readers, generator), consumed by
// model/ (problem builders) and the node agent (which holds only its own ProsumerInput).
import type { ProsumerParams } from './params.js';

/** Per-slot series of one prosumer, length T each. */
export interface ProsumerSeries {
  /** inflexible household load L[t], kW */
  load: Float64Array;
  /** forecast renewable output PRE[t], kW */
  pv: Float64Array;
  /** outdoor temperature tOut[t], degrees C */
  tOut: Float64Array;
}

export interface ProsumerInput {
  /** stable identifier, e.g. "H01" */
  id: string;
  series: ProsumerSeries;
  params: ProsumerParams;
}

/** Grid prices, the same for every prosumer. */
export interface Tariff {
  /** energy price piE[t], currency/kWh */
  energy: Float64Array;
  /** demand charge piD, currency/kW of the horizon's peak purchase */
  demandCharge: number;
  /** feed-in tariff piFIT[t], currency/kWh */
  feedIn: Float64Array;
  /** demand-response rate piDR[t], currency/kWh; 0 outside DR events */
  demandResponse: Float64Array;
}

export interface ModelOptions {
  /** 'baseline' (default): reduction below a stated baseline import; 'paper': eq. (12) as printed */
  demandResponse: 'baseline' | 'paper';
  /** 'same-slot' (default): pAC[t] drives tIn[t]; 'paper': pAC[t-1] drives tIn[t] as eq. (2) prints */
  hvacTiming: 'same-slot' | 'paper';
  /** quadratic trade cost eps/2 * pET^2, currency/kW^2 per slot; makes the trade split unique */
  tradeCost: number;
  /** require e[T] >= e[0] (model note extension, on by default) */
  terminalEnergy: boolean;
}

export interface Scenario {
  /** human-readable name of the source, e.g. "generator seed 1" or a file name */
  source: string;
  /** slot length, hours */
  dtHours: number;
  /** number of slots T */
  horizon: number;
  /** ISO 8601 start of each slot, length T */
  timestamps: string[];
  tariff: Tariff;
  prosumers: ProsumerInput[];
  options: ModelOptions;
}
