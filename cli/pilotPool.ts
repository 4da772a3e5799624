// `derchain pilot --market pool` (the default): the community market on chain (operator/poolPilot.ts),
// with progress on stderr, the report (settlement in report.html, summary.json and trades.csv) and
// one JSON summary with the chain's figures: gas per iteration, gas per household-iteration,
// wall time, peak memory, matchesInMemory (every clearing equals the in-memory engine's integers).
// With --rolling H: H re-clears on the same contract after the first round (window shifted one
// slot, warm-started); the summary's `rolling` lists each re-clear's iterations and matchesInMemory.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Hex } from 'viem';
import { isConverged } from '../admm/engine.js';
import { DerchainInputError } from '../errors/inputError.js';
import { runPoolPilot } from '../operator/poolPilot.js';
import { headlineFigures } from '../report/reportSummary.js';
import { checkReportTarget } from '../report/reportTarget.js';
import { writeReport } from '../report/writeReport.js';
import type { PilotFlags } from './commands/pilot.js';
import { numberFlag, scenarioFromFlags, type ParsedScenarioFlags, type ScenarioLimits } from './scenarioOptions.js';

/** Largest pilot that is also run in memory for matchesInMemory and the report's objective and gap. */
export const IN_MEMORY_MAX = 200;

/** The data of a rolling run: the requested window plus H slots (the shifted windows' tails). */
function rollingData(flags: PilotFlags, window: number, dtHours: number, hours: number, limits: ScenarioLimits) {
  const slotsPerDay = Math.round(24 / dtHours);
  const days = Number(flags.days ?? '1') + Math.ceil(hours / slotsPerDay);
  if (days > limits.maxDays) throw new DerchainInputError(`--rolling ${hours} needs ${days} days of data; at most ${limits.maxDays}`, { field: 'rolling' });
  const full = scenarioFromFlags({ ...flags, days: String(days) }, limits).scenario;
  if (full.horizon < window + hours) {
    throw new DerchainInputError(`--rolling ${hours} needs ${window + hours} slots of data from the start; the data has ${full.horizon}`, { field: 'rolling' });
  }
  return full;
}

export async function pilotPool(flags: PilotFlags, parsed: ParsedScenarioFlags, log: Logger, limits: ScenarioLimits): Promise<void> {
  const { scenario, pool } = parsed;
  const hours = parsed.rolling;
  const full = hours > 0 ? rollingData(flags, scenario.horizon, scenario.dtHours, hours, limits) : scenario;
  const n = scenario.prosumers.length;
  const blockTime = numberFlag('block-time', flags.blockTime, (v) => v >= 0 && v <= 60, 'seconds from 0 to 60') ?? 0;
  const deadlineBlocks = numberFlag('deadline-blocks', flags.deadlineBlocks, (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1');
  const batchSize = numberFlag('batch-size', flags.batchSize, (v) => Number.isInteger(v) && v >= 1 && v <= 200, 'a whole number from 1 to 200') ?? 10;
  const householdsPerProcess = numberFlag('households-per-process', flags.householdsPerProcess, (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1');
  const submit = flags.submit ?? 'relay';
  if (submit !== 'relay' && submit !== 'own') throw new DerchainInputError(`--submit must be relay or own (got ${JSON.stringify(flags.submit)})`, { field: 'submit' });
  const outDir = flags.out ?? `out/pilot-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  checkReportTarget(outDir);
  let operatorKey: Hex | undefined;
  if (flags.operatorKeyFile) operatorKey = readFileSync(flags.operatorKeyFile, 'utf8').trim() as Hex;
  const result = await runPoolPilot({
    scenario: full,
    ...(hours > 0 ? { rolling: { hours, window: scenario.horizon } } : {}),
    pool: { alpha: pool.alpha, epsPrimal: pool.epsPrimal, epsDual: pool.epsDual, maxIterations: pool.maxIterations, ...(pool.rho !== undefined ? { rho: pool.rho } : {}) },
    ...(flags.rpc?.length ? { rpcUrls: flags.rpc } : {}),
    ...(operatorKey ? { operatorKey } : {}),
    blockTime,
    ...(deadlineBlocks !== undefined ? { deadlineBlocks } : {}),
    submit,
    batchSize,
    ...(householdsPerProcess !== undefined ? { householdsPerProcess } : {}),
    // above 200 households the in-memory twin (and the centralised reference) would take longer than the chain run
    compareInMemory: n <= IN_MEMORY_MAX,
    inMemoryReport: n <= IN_MEMORY_MAX,
    log,
    onIteration: (it) =>
      log.info({ progress: true, round: String(it.round), iteration: it.iteration, largestImbalanceSteps: String(it.maxAbs), dualNum: String(it.dualNum), rows: it.submitted, status: it.status }, 'clearing on chain'),
  });
  const r = result.inMemory;
  const gasPerIteration = result.gasPerIteration.map(Number);
  const rollingIterations = result.rounds.map((x) => x.iterations);
  // the settlement recorded on chain equals the in-memory twin's (same integers): checked here
  const settlementMatches = r ? r.pool.settlement.every((s, i) => s.amount === String(result.settlement[i])) : null;
  if (r) {
    r.seconds = result.seconds;
    r.history.forEach((h, k) => (h.gas = gasPerIteration[k]));
    writeReport(r, scenario, outDir, {
      gasPerIteration,
      ...(hours > 0 ? { rollingIterations } : {}),
      title: 'derchain pilot, community market (on chain)',
      notes: [`contract ${result.contract}, round ${result.round}, matchesInMemory ${result.matchesInMemory}, settlement on chain equals the report's: ${settlementMatches}`],
    });
  }
  const steady = gasPerIteration.slice(1);
  const summary = {
    market: 'pool',
    prosumers: n,
    horizon: scenario.horizon,
    ...(r ? headlineFigures(r) : { admmObjective: null, centralizedObjective: null, relativeGap: null, primalResidual: null, dualResidual: null }),
    iterations: result.iterations,
    converged: r ? isConverged(result.converged, r.relativeGap) : result.converged,
    stopRuleMet: result.converged,
    largestImbalanceKw: r ? r.pool.largestImbalanceKw : null,
    seconds: result.seconds,
    secondsPerIteration: result.secondsPerIteration,
    gasPerIteration: gasPerIteration.length ? Math.max(...gasPerIteration) : 0,
    gasPerIterationSteady: steady.length ? Math.round(steady.reduce((a, b) => a + b, 0) / steady.length) : null,
    gasPerProsumerIteration: steady.length ? Math.round(steady.reduce((a, b) => a + b, 0) / steady.length / n) : null,
    gasTotal: Number(result.gasTotal),
    settleGas: Number(result.settleGas),
    submit: result.submit,
    batchSize: result.submit === 'relay' ? result.batchSize : null,
    agentProcesses: result.processes,
    peakRssMb: result.peakRssMb,
    blocks: Number(result.blocks),
    matchesInMemory: result.matchesInMemory,
    settlementMatches,
    signaturesChecked: result.replay.signaturesChecked,
    contract: result.contract,
    round: String(result.round),
    rho: r ? r.pool.rho : null,
    tolerances: { epsPrimal: pool.epsPrimal, epsDual: pool.epsDual, alpha: pool.alpha },
    settlement: r ? r.pool.settlement : result.settlement.map(String),
    reportDir: r ? outDir : null,
    wallSeconds: Math.round(result.wallSeconds),
    setupSeconds: Math.round(result.setupSeconds),
    ...(hours > 0
      ? {
          rolling: {
            reclears: result.rounds.length - 1,
            iterations: rollingIterations.slice(1),
            maxIterations: Math.max(0, ...rollingIterations.slice(1)),
            matchesInMemory: result.rounds.slice(1).map((x) => x.matchesInMemory),
            inMemoryIterations: result.inMemoryRolling ? result.inMemoryRolling.steps.slice(1).map((x) => x.iterations) : null,
            steps: result.rounds.map((x) => ({
              index: x.index,
              round: String(x.round),
              iterations: x.iterations,
              converged: x.converged,
              seconds: x.seconds,
              gasPerIteration: x.gasPerIteration.map(Number),
              matchesInMemory: x.matchesInMemory,
              ...(x.inMemoryMismatch ? { inMemoryMismatch: x.inMemoryMismatch } : {}),
            })),
          },
        }
      : {}),
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      [
        `derchain pilot (community market): ${n} households x ${scenario.horizon} slots, contract ${summary.contract}`,
        `  on chain     ${summary.iterations} iterations, ${summary.converged ? 'converged' : 'NOT converged'}, ${summary.seconds.toFixed(1)} s (${summary.secondsPerIteration.toFixed(2)} s/iteration), ${result.processes} agent processes, peak ${summary.peakRssMb} MB`,
        `  gas          ${summary.gasPerIteration.toLocaleString('en-US')} per iteration (largest; first on fresh storage), ${summary.gasPerIterationSteady?.toLocaleString('en-US')} later mean (${summary.gasPerProsumerIteration?.toLocaleString('en-US')} per household), rows ${submit === 'relay' ? `relayed in batches of ${batchSize}` : 'sent by each household'}`,
        `  objective    pool ${summary.admmObjective?.toFixed(4)}  centralised ${summary.centralizedObjective?.toFixed(4)}  relative gap ${summary.relativeGap?.toExponential(2)}, largest slot imbalance ${summary.largestImbalanceKw?.toFixed(4)} kW`,
        `  exactness    every clearing equals the in-memory engine: ${summary.matchesInMemory}${result.inMemoryMismatch ? ` (${result.inMemoryMismatch})` : ''}; settlement equal: ${settlementMatches}; ${summary.signaturesChecked} row signers checked`,
        ...(hours > 0
          ? [`  rolling      ${hours} re-clears on the same contract, iterations ${rollingIterations.slice(1).join(' ')} (first clearing ${rollingIterations[0]}), each equals admm/poolRolling.ts: ${result.rounds.slice(1).map((x) => x.matchesInMemory).join(' ')}`]
          : []),
        `  time         ${summary.wallSeconds} s in all, ${summary.setupSeconds} s before the first round (keys, admission, agents)`,
        `  report       ${outDir}/report.html`,
        '',
      ].join('\n'),
    );
  }
  if (result.matchesInMemory === false || result.replay.mismatches.length > 0 || settlementMatches === false) process.exitCode = 1;
}
