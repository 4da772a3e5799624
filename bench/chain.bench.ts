// Gas and wall time of the on-chain coordination: the pilot (10 prosumers, T = 24, real agents)
// on anvil with automine and with a 1 s block period, and the contract's gas per iteration at
// N = 10 and N = 30 with synthetic trades (the gas does not depend on the trade values beyond
// zero bytes, and 30 agent processes would not fit a 2-core machine).
import pino from 'pino';
import { measureSyntheticGas } from '../contracts/syntheticRound.js';
import { loadScenario } from '../data/loadScenario.js';
import { runPilot } from '../operator/pilot.js';

const fmt = (v: bigint | number) => Number(v).toLocaleString('en-US');

export async function run(): Promise<void> {
  const log = pino({ level: 'silent' });
  for (const [n, t] of [
    [10, 24],
    [30, 24],
  ] as const) {
    const g = await measureSyntheticGas(n, t, 3);
    const steady = g.perIteration[g.perIteration.length - 1];
    console.log(
      `synthetic N=${n} T=${t}: gas/iteration first ${fmt(g.perIteration[0])} (fresh storage), steady ${fmt(steady)}; largest tx ${fmt(g.maxTxGas)}; openRound ${fmt(g.openRoundGas)}; deploy ${fmt(g.deployGas)}`,
    );
  }
  const { scenario } = loadScenario({ generator: true, prosumers: 10, days: 1 });
  for (const blockTime of [0, 1]) {
    const r = await runPilot({ scenario, log, blockTime });
    const gas = r.gasPerIteration;
    const steady = gas.slice(1);
    console.log(
      `pilot N=10 T=24 ${blockTime ? '1 s blocks' : 'automine'}: ${r.iterations} iterations, converged ${r.converged}, matchesInMemory ${r.matchesInMemory}, ` +
        `${r.secondsPerIteration.toFixed(2)} s/iteration (${r.seconds.toFixed(1)} s), gas/iteration max ${fmt(gas.reduce((a, b) => (a > b ? a : b), 0n))} ` +
        `(iteration 1, fresh storage), later mean ${fmt(steady.length ? steady.reduce((a, b) => a + b, 0n) / BigInt(steady.length) : 0n)}, total ${fmt(r.gasTotal)}, ${r.blocks} blocks`,
    );
  }
}
