// trades.csv: the final ADMM bilateral trades, one row per ordered pair (prosumer, partner) and
// slot: pET[i][j][t] in kW (positive: the prosumer sells to the partner) and the pair's clearing
// price lambda in currency/kWh. Pairs with no trade over the whole horizon are left out.
import type { CoordinationResult } from '../admm/types.js';
import { toCsv, type CsvCell } from './csvText.js';
import { pairValue } from './tradeMatrix.js';

export const TRADE_COLUMNS = ['prosumer', 'partner', 'slot', 'timestamp', 'trade_kW', 'price_per_kWh'] as const;

/** Smallest |trade| treated as a trade when deciding whether a pair traded at all, kW. */
const NEGLIGIBLE_KW = 1e-9;

export function tradesCsv(result: CoordinationResult): string {
  const n = result.prosumers.length;
  function* rows(): Generator<CsvCell[]> {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        let traded = false;
        for (let t = 0; t < result.horizon && !traded; t++) traded = Math.abs(pairValue(result.trades, n, i, j, t)) > NEGLIGIBLE_KW;
        if (!traded) continue;
        for (let t = 0; t < result.horizon; t++) {
          yield [
            result.prosumers[i],
            result.prosumers[j],
            t,
            result.timestamps[t],
            pairValue(result.trades, n, i, j, t),
            pairValue(result.prices, n, i, j, t),
          ];
        }
      }
    }
  }
  return toCsv(TRADE_COLUMNS, rows());
}
