// The report of a pool-market run: summary.json carries the market and the pool figures, the
// charts show the community price (one series, not the pairwise band) and the balanced trades with
// the community, and trades.csv has one row per prosumer and slot whose settlement adds up to the
// prosumer's settlement.
import assert from 'node:assert/strict';
import { runPool } from '../../admm/poolEngine.js';
import { loadScenario } from '../../data/loadScenario.js';
import { buildChartSpecs } from '../../report/chartSpecs.js';
import { buildSummary } from '../../report/reportSummary.js';
import { POOL_TRADE_COLUMNS, tradesCsv } from '../../report/tradesCsv.js';

describe('report: pool market', function () {
  this.timeout(60_000);
  const { scenario } = loadScenario({ env: { DERCHAIN_DATA_DIR: '' }, prosumers: 3, days: 1, seed: 2 });
  const result = runPool(scenario);

  it('summary.json names the market and carries imbalance, prices and settlement', () => {
    const s = buildSummary(result, scenario);
    assert.equal(s.market, 'pool');
    assert.ok(s.pool);
    assert.equal(s.pool.clearingPrices.length, 24);
    assert.equal(s.pool.settlement.length, 3);
    assert.equal(s.pool.largestImbalanceKw, result.pool.largestImbalanceKw);
  });

  it('charts: one clearing price per slot and the balanced trades with the community', () => {
    const specs = buildChartSpecs(result, scenario);
    const prices = specs.find((c) => c.id === 'prices');
    assert.ok(prices);
    assert.deepEqual(prices.series[0].data, result.pool.clearingPrices.map((p) => Number(p.toPrecision(6))));
    assert.ok(!prices.series.some((x) => /pair/.test(x.label)), 'no pairwise band in the pool');
    const trades = specs.filter((c) => c.id.startsWith('trades-'));
    assert.equal(trades.length, 2);
    assert.match(trades[0].title, /with the community/);
    const convergence = specs.find((c) => c.id === 'convergence');
    assert.ok(convergence?.series.some((x) => /imbalance/.test(x.label)));
  });

  it('trades.csv: settlement per slot adds up to the settlement of each prosumer', () => {
    const lines = tradesCsv(result).trim().split('\n');
    assert.equal(lines[0], POOL_TRADE_COLUMNS.join(','));
    assert.equal(lines.length, 1 + 3 * 24);
    const total = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const f = line.split(',');
      total.set(f[0], (total.get(f[0]) ?? 0) + Number(f[6]));
    }
    for (const s of result.pool.settlement) assert.ok(Math.abs((total.get(s.id) ?? Number.NaN) - s.currency) < 1e-6, `${s.id}: ${total.get(s.id)} vs ${s.currency}`);
  });
});
