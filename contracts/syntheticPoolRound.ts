// Drives a pool round on a dev chain with synthetic rows (no local solves) and reports the gas of
// each iteration (all its transactions summed): rows sent by each prosumer itself (`submit`) or
// relayed in gateway-sized signed batches (`submitBatch`). Used by the bench to price the contract.
import { createWalletClient, http, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { rpcCall } from '../chain/rpc.js';
import { startPoolDevChain } from '../chain/localChain.js';
import { PoolCoordinatorClient } from './poolCoordinatorClient.js';
import { encodeRow, makeSignedPoolRow } from './poolRow.js';
import { submitPoolBatch } from './submitPoolBatch.js';

export interface SyntheticPoolGas {
  n: number;
  t: number;
  /** 'own': one submit per prosumer; a number: relayed batches of that size */
  mode: 'own' | number;
  /** gas per iteration (all transactions), in order */
  perIteration: bigint[];
  /** the transaction that closed each iteration (the last row's), gas */
  maxTxGas: bigint;
  deployGas: bigint;
  openGas: bigint;
  enrollGas: bigint;
}

/** Net trades that change every iteration like an ADMM run's (both signs, up to ~5 kW at 1 W steps). */
function rowValue(i: number, s: number, it: number): number {
  return Math.round(Math.sin(1.3 * i + 0.31 * s + 0.9 * it) * 5000);
}

export async function measureSyntheticPoolGas(n: number, t: number, mode: 'own' | number, iterations: number): Promise<SyntheticPoolGas> {
  const dev = await startPoolDevChain({ accounts: 2, gasLimit: 100_000_000n });
  try {
    const op = dev.as(0);
    const relay = dev.as(1);
    const keys = Array.from({ length: n }, () => privateKeyToAccount(generatePrivateKey()));
    for (const k of keys) await op.admitProsumer(k.address);
    const open = await op.openRound({
      horizon: t,
      resolution: 1000n,
      rho: 300_000n,
      alphaPpm: 1_600_000n,
      epsPrimal: 0n,
      epsDual: 0n,
      minIterations: 1,
      maxIterations: iterations + 5,
      deadlineBlocks: 100_000,
      slotSeconds: 3600,
      initialPrices: '0x',
    });
    const round = await op.currentRound();
    let enrollGas = 0n;
    for (let k = 0; k < n; k += 250) enrollGas += (await op.enroll(round, keys.slice(k, k + 250).map((a) => a.address))).gasUsed;
    enrollGas += (await op.startRound(round)).gasUsed;
    const own =
      mode === 'own'
        ? await Promise.all(
            keys.map(async (k) => {
              await rpcCall(dev.anvil.rpcUrl, 'anvil_setBalance', [k.address, '0x3635c9adc5dea00000']);
              return new PoolCoordinatorClient(dev.publicClient, dev.address, createWalletClient({ chain: dev.chain, transport: http(dev.anvil.rpcUrl), account: k }));
            }),
          )
        : [];
    const ref = { chainId: dev.chain.id, contract: dev.address };
    const last: Hex[] = keys.map(() => '0x');
    const perIteration: bigint[] = [];
    let maxTxGas = 0n;
    for (let it = 1; it <= iterations; it++) {
      const rows = keys.map((_, i) => encodeRow(Array.from({ length: t }, (_, s) => rowValue(i, s, it))));
      let gas = 0n;
      if (mode === 'own') {
        for (let i = 0; i < n; i++) {
          const r = await own[i]!.submit(round, it, rows[i]!, last[i]!, '0x');
          gas += r.gasUsed;
          if (r.gasUsed > maxTxGas) maxTxGas = r.gasUsed;
        }
      } else {
        const signed = await Promise.all(keys.map((k, i) => makeSignedPoolRow(k, ref, { round, iteration: it, row: rows[i]!, prevRow: last[i]! })));
        const r = await submitPoolBatch({ client: relay, round, iteration: it, rows: signed, batchSize: mode, horizon: t });
        if (r.rejected.length) throw new Error(`synthetic rows rejected: ${JSON.stringify(r.rejected.slice(0, 3))}`);
        gas = r.gasUsed;
        for (const tx of r.transactions) if (tx.gasUsed > maxTxGas) maxTxGas = tx.gasUsed;
      }
      rows.forEach((r, i) => (last[i] = r));
      perIteration.push(gas);
    }
    return { n, t, mode, perIteration, maxTxGas, deployGas: dev.deployGas, openGas: open.gasUsed, enrollGas };
  } finally {
    await dev.stop();
  }
}
