// Gas and wall time of the on-chain coordination.
// Community (pool) market: the contract's gas per iteration (all transactions of an iteration
// summed) at N = 10, T = 24 with gateway batches of 10 and with one transaction per prosumer, and
// per prosumer-iteration at N = 1000 (synthetic rows: gas does not depend on the values beyond zero
// bytes); the pilot with real agents on anvil at N = 100 (matchesInMemory) and N = 1000 (time, peak
// memory), and at N = 10 on the four-validator geth Clique devnet with 1 s blocks (clearing wall
// time; skipped with a line saying so when geth is not installed).
// Bilateral market (the paper's): gas per iteration at N = 10 and 30, the pilot at N = 10.
// DERCHAIN_BENCH_CHAIN=pool or =bilateral runs one half only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { measureSyntheticGas } from '../contracts/syntheticRound.js';
import { measureSyntheticPoolGas } from '../contracts/syntheticPoolRound.js';
import { loadScenario } from '../data/loadScenario.js';
import { freeDevnetBasePort } from '../network-config/devnetPorts.js';
import { startDevnet } from '../network-config/devnet.js';
import { assertCliqueCapableGeth, findGeth } from '../network-config/gethBinary.js';
import { runPilot } from '../operator/pilot.js';
import { runPoolPilot, type PoolPilotResult } from '../operator/poolPilot.js';

const fmt = (v: bigint | number) => Number(v).toLocaleString('en-US');
const mean = (a: bigint[]) => (a.length ? a.reduce((x, y) => x + y, 0n) / BigInt(a.length) : 0n);

function poolLine(label: string, r: PoolPilotResult, n: number): string {
  const steady = r.gasPerIteration.slice(1);
  return (
    `pool pilot ${label}: ${r.iterations} iterations, stop rule met ${r.converged}, matchesInMemory ${r.matchesInMemory}, ` +
    `clearing ${r.seconds.toFixed(1)} s (${r.secondsPerIteration.toFixed(2)} s/iteration), ${r.processes} agent processes, peak memory ${r.peakRssMb} MB, ` +
    `gas/iteration first ${fmt(r.gasPerIteration[0] ?? 0n)}, later mean ${fmt(mean(steady))} (${fmt(Number(mean(steady)) / n)} per prosumer), settlement ${fmt(r.settleGas)}`
  );
}

async function pool(): Promise<void> {
  const log = pino({ level: 'silent' });
  for (const [n, mode] of [
    [10, 10],
    [10, 'own'],
    [1000, 10],
  ] as const) {
    const g = await measureSyntheticPoolGas(n, 24, mode, 3);
    const steady = g.perIteration.slice(1);
    console.log(
      `pool synthetic N=${n} T=24 ${mode === 'own' ? 'one tx per prosumer' : `batches of ${mode}`}: gas/iteration first ${fmt(g.perIteration[0]!)} (fresh storage), ` +
        `later mean ${fmt(mean(steady))} = ${fmt(Number(mean(steady)) / n)} per prosumer-iteration; largest tx ${fmt(g.maxTxGas)}; enrolment ${fmt(g.enrollGas)}; deploy ${fmt(g.deployGas)}`,
    );
  }
  for (const n of [100, 1000]) {
    const { scenario } = loadScenario({ generator: true, prosumers: n, days: 1 });
    const t0 = Date.now();
    const r = await runPoolPilot({ scenario, log, compareInMemory: n <= 100, inMemoryReport: false });
    console.log(`${poolLine(`N=${n} T=24 anvil (automine, relayed batches of 10)`, r, n)}; whole run ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  let geth: string;
  try {
    geth = findGeth();
    assertCliqueCapableGeth(geth);
  } catch (err) {
    console.log(`pool pilot N=10 on the geth Clique devnet: skipped (${(err as Error).message.split('\n')[0]})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'derchain-bench-devnet-'));
  const net = await startDevnet({ dir, validators: 4, periodSeconds: 1, basePort: await freeDevnetBasePort(4), geth });
  try {
    const { scenario } = loadScenario({ generator: true, prosumers: 10, days: 1 });
    const r = await runPoolPilot({ scenario, log, rpcUrls: net.rpcUrls, operatorKey: net.fundedKeyHex, inMemoryReport: false });
    console.log(poolLine('N=10 T=24 geth Clique devnet, 4 validators, 1 s blocks (relayed batches of 10)', r, 10));
  } finally {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bilateral(): Promise<void> {
  const log = pino({ level: 'silent' });
  for (const [n, t] of [
    [10, 24],
    [30, 24],
  ] as const) {
    const g = await measureSyntheticGas(n, t, 3);
    const steady = g.perIteration[g.perIteration.length - 1];
    console.log(
      `bilateral synthetic N=${n} T=${t}: gas/iteration first ${fmt(g.perIteration[0])} (fresh storage), steady ${fmt(steady)}; largest tx ${fmt(g.maxTxGas)}; openRound ${fmt(g.openRoundGas)}; deploy ${fmt(g.deployGas)}`,
    );
  }
  const { scenario } = loadScenario({ generator: true, prosumers: 10, days: 1 });
  for (const blockTime of [0, 1]) {
    const r = await runPilot({ scenario, log, blockTime });
    const gas = r.gasPerIteration;
    const steady = gas.slice(1);
    console.log(
      `bilateral pilot N=10 T=24 ${blockTime ? '1 s blocks' : 'automine'}: ${r.iterations} iterations, converged ${r.converged}, matchesInMemory ${r.matchesInMemory}, ` +
        `${r.secondsPerIteration.toFixed(2)} s/iteration (${r.seconds.toFixed(1)} s), gas/iteration max ${fmt(gas.reduce((a, b) => (a > b ? a : b), 0n))} ` +
        `(iteration 1, fresh storage), later mean ${fmt(mean(steady))}, total ${fmt(r.gasTotal)}, ${r.blocks} blocks`,
    );
  }
}

export async function run(): Promise<void> {
  const which = process.env.DERCHAIN_BENCH_CHAIN;
  if (which !== 'bilateral') await pool();
  if (which !== 'pool') await bilateral();
}
