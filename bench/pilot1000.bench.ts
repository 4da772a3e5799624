// `npm run bench -- pilot1000`: the community-market pilot on anvil at N = 1000 households, T = 24
// (generator data, automine, four agent processes of 250 households, each household signing with its
// own key, rows relayed in gateway batches of 10). Prints the wall time (whole run, before the first
// round, the clearing), iterations, peak memory (pilot and agent processes) and where the agents'
// time went (local solves against the rest). Takes several minutes on a 2-core machine; not a test.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadScenario } from '../data/loadScenario.js';
import { runPoolPilot } from '../operator/poolPilot.js';

const fmt = (v: bigint | number) => Number(v).toLocaleString('en-US');

export async function run(): Promise<void> {
  const n = Number(process.env.DERCHAIN_BENCH_PILOT_N ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'derchain-bench-pilot-'));
  const logFile = join(dir, 'pilot.log');
  process.env.DERCHAIN_AGENT_LOG_LEVEL = 'info';
  try {
    const log = pino({ level: 'debug' }, pino.destination({ dest: logFile, sync: true }));
    const { scenario } = loadScenario({ generator: true, prosumers: n, days: 1 });
    const t0 = Date.now();
    const r = await runPoolPilot({
      scenario,
      log,
      compareInMemory: false,
      inMemoryReport: false,
      onIteration: (it) => process.stderr.write(`  pilot N=${n}: iteration ${it.iteration} closed, ${it.submitted} rows, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`),
    });
    const steady = r.gasPerIteration.slice(1);
    const meanSteady = steady.length ? steady.reduce((a, b) => a + b, 0n) / BigInt(steady.length) : 0n;
    // the agents' own account of each iteration: local solves vs signing and handing over
    const sent = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('rows sent'))
      .map((l) => /\\"solveMs\\":(\d+),\\"totalMs\\":(\d+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ solve: Number(m[1]), total: Number(m[2]) }));
    const solveS = sent.reduce((a, b) => a + b.solve, 0) / 1000;
    const totalS = sent.reduce((a, b) => a + b.total, 0) / 1000;
    console.log(
      `pool pilot N=${n} T=24 anvil (automine, ${r.processes} agent processes, relayed batches of ${r.batchSize}): ${r.iterations} iterations, stop rule met ${r.converged}, ` +
        `replay mismatches ${r.replay.mismatches.length}, ${r.replay.signaturesChecked} row signers checked`,
    );
    console.log(
      `  wall time ${r.wallSeconds.toFixed(0)} s in all (${((Date.now() - t0) / 1000).toFixed(0)} s with start-up): ${r.setupSeconds.toFixed(0)} s before the first round (keys, admission, enrolment, agents' keys unlocked), ` +
        `clearing ${r.seconds.toFixed(0)} s (${r.secondsPerIteration.toFixed(1)} s per iteration), the rest replay, settlement and gas accounting`,
    );
    console.log(`  peak memory ${fmt(r.peakRssMb)} MB (pilot process and its ${r.processes} agent processes, peaks summed; anvil not included)`);
    console.log(
      `  agents: ${sent.length} process-iterations, local solves ${solveS.toFixed(0)} s of ${totalS.toFixed(0)} s spent building, signing and handing over rows ` +
        `(${((1000 * solveS) / Math.max(1, n * r.iterations)).toFixed(1)} ms per household solve)`,
    );
    console.log(`  gas per iteration after the first ${fmt(meanSteady)} (${fmt(Number(meanSteady) / n)} per household), settlement ${fmt(r.settleGas)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
