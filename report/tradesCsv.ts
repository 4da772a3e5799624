// trades.csv: the final ADMM bilateral trades, one row per ordered pair (prosumer, partner) and
// slot: pET[i][j][t] in kW (positive: the prosumer sells to the partner) and the pair's clearing
// price lambda in currency/kWh. Pairs with no trade over the whole horizon are left out.
// For the pool market: the balanced trade with the community per prosumer and slot, the slot's
// clearing price and the settlement (POOL_TRADE_COLUMNS).
import type { CoordinationResult } from '../admm/types.js';
import { toCsv, type CsvCell } from './csvText.js';
import { poolOutcomeOf } from './reportSummary.js';
import { pairValue } from './tradeMatrix.js';

export const TRADE_COLUMNS = ['prosumer', 'partner', 'slot', 'timestamp', 'trade_kW', 'price_per_kWh'] as const;

/** Smallest |trade| treated as a trade when deciding whether a pair traded at all, kW. */
const NEGLIGIBLE_KW = 1e-9;

/**
 * Pool market: one row per prosumer and slot with the community as partner: the balanced trade
 * z_i[t] (kW, > 0 sells), the slot's clearing price and the slot's settlement price*z*dt in currency
 * (> 0: the community pays the prosumer); a prosumer's settlement rows add up to its settlement.
 */
export const POOL_TRADE_COLUMNS = ['prosumer', 'partner', 'slot', 'timestamp', 'trade_kW', 'price_per_kWh', 'settlement'] as const;

export function tradesCsv(result: CoordinationResult): string {
  const pool = poolOutcomeOf(result);
  if (pool) {
    const dt = result.dtHours;
    return toCsv(
      POOL_TRADE_COLUMNS,
      (function* () {
        for (let i = 0; i < result.prosumers.length; i++)
          for (let t = 0; t < result.horizon; t++) {
            const z = pool.balancedTrades[i][t];
            const price = pool.clearingPrices[t];
            yield [result.prosumers[i], 'community', t, result.timestamps[t], z, price, price * z * dt];
          }
      })(),
    );
  }
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
