// The schedule a prosumer's problem yields (local or centralised): the model's output type. It
// lives in model/ so that model/ imports nothing from admm/ (the data flows model -> admm).

/** One prosumer's optimal schedule; arrays have length T (e has the level at the end of each slot). */
export interface ProsumerSchedule {
  id: string;
  pG: number[];
  pAC: number[];
  tIn: number[];
  pS: number[];
  pRE: number[];
  pFIT: number[];
  pCH: number[];
  pDIS: number[];
  e: number[];
  pDR: number[];
  /** sum over partners of pET[i][j][t], kW (positive: net seller) */
  netTrade: number[];
  /** the prosumer's own cost (model note), currency, without ADMM terms */
  cost: number;
  /** cost terms by name (energy, demand, comfortAC, comfortShift, battery, feedIn, demandResponse, trade) */
  costTerms: Record<string, number>;
}
