// Drives a round on a dev chain with synthetic trades (no local solves) and reports the gas of
// each iteration (sum over its transactions). Used by the bench to price the contract itself.
import { startDevChain } from '../chain/localChain.js';
import { encodeRow } from './rowCodec.js';

export interface SyntheticGas {
  n: number;
  t: number;
  /** gas per iteration, in order */
  perIteration: bigint[];
  openRoundGas: bigint;
  deployGas: bigint;
  /** largest single transaction */
  maxTxGas: bigint;
}

/** Trades that vary per iteration like an ADMM run's (nonzero, both signs, a few kW). */
function tradeValue(i: number, m: number, s: number, it: number): bigint {
  const x = Math.sin(1.3 * i + 0.7 * m + 0.31 * s + 0.9 * it) * 3.5e6;
  return BigInt(Math.round(x));
}

export async function measureSyntheticGas(n: number, t: number, iterations: number): Promise<SyntheticGas> {
  const dev = await startDevChain({ accounts: n + 1, gasLimit: 100_000_000n });
  try {
    for (let k = 1; k <= n; k++) await dev.as(0).admitProsumer(dev.accounts[k]);
    const opened = await dev.as(0).openRound({
      participants: dev.accounts.slice(1, n + 1),
      horizon: t,
      rho: 100_000n,
      epsAbs: 0n,
      epsDual: 0n,
      epsRelPpm: 0n,
      balanceRho: false,
      maxIterations: iterations + 5,
      deadlineBlocks: 10_000,
      maxAbsTrade: 100_000_000n,
    });
    const round = await dev.as(0).currentRound();
    const perIteration: bigint[] = [];
    let maxTxGas = 0n;
    for (let it = 1; it <= iterations; it++) {
      let gas = 0n;
      for (let i = 0; i < n; i++) {
        const p = (i + it) % n; // rotate the order so pending halves change sides
        const row = Array.from({ length: (n - 1) * t }, (_, k) => tradeValue(p, Math.floor(k / t), k % t, it));
        const r = await dev.as(1 + p).submit(round, it, p, encodeRow(row));
        gas += r.gasUsed;
        if (r.gasUsed > maxTxGas) maxTxGas = r.gasUsed;
      }
      perIteration.push(gas);
    }
    return { n, t, perIteration, openRoundGas: opened.gasUsed, deployGas: dev.deployGas, maxTxGas };
  } finally {
    await dev.stop();
  }
}
