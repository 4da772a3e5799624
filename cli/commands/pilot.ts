// `derchain pilot` (npm start): the on-chain run. Starts anvil (or uses --rpc nodes), deploys the
// coordinator, creates and admits one key per prosumer, runs one agent process per prosumer,
// drives a round to convergence with a progress display on stderr, replays it from the chain,
// compares every iterate with the in-memory engine and writes the report with gas per iteration.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { Hex } from 'viem';
import { DerchainInputError } from '../../errors/inputError.js';
import { isConverged } from '../../admm/engine.js';
import { headlineFigures } from '../../report/reportSummary.js';
import { checkReportTarget } from '../../report/reportTarget.js';
import { writeReport } from '../../report/writeReport.js';
import { runPilot } from '../../operator/pilot.js';
import { addJsonOption, addKeyFileOption, addRpcOption } from '../connectionOptions.js';
import { exitOnInputError } from '../inputErrorExit.js';
import { addLogFormatOption, cliLogger, logFormatOf } from '../logOutput.js';
import { pilotPool } from '../pilotPool.js';
import { pilotRadio, type RadioPilotFlags } from '../pilotRadio.js';
import { addScenarioOptions, DATA_HELP, numberFlag, scenarioFromFlags, tolerancesOf, type ScenarioFlags } from '../scenarioOptions.js';

export interface PilotFlags extends ScenarioFlags, RadioPilotFlags {
  rpc?: string[];
  operatorKeyFile?: string;
  blockTime?: string;
  deadlineBlocks?: string;
  out?: string;
  json?: boolean;
  submit?: string;
  batchSize?: string;
  householdsPerProcess?: string;
  logFormat?: string;
}

/** the pool takes thousands of households; the bilateral contract at most 64 */
const LIMITS = { maxProsumers: 5000, maxDays: 7 };
const BILATERAL_MAX_PROSUMERS = 64;

async function pilot(flags: PilotFlags): Promise<void> {
  const format = logFormatOf(flags.logFormat, process.stderr);
  const logger = cliLogger({ name: 'derchain-pilot', format, stream: process.stderr, level: process.env.DERCHAIN_LOG_LEVEL ?? 'info' });
  try {
    await runPilotCommand(flags, logger.log);
  } finally {
    logger.end();
  }
}

async function runPilotCommand(flags: PilotFlags, log: Logger): Promise<void> {
  const parsed = scenarioFromFlags({ prosumers: '10', ...flags }, LIMITS);
  const { scenario, admm } = parsed;
  if (scenario.prosumers.length < 2) throw new DerchainInputError('the pilot needs at least 2 prosumers', { field: 'prosumers' });
  if (parsed.market === 'pool' && (flags.transport ?? 'rpc') !== 'rpc') {
    if (parsed.rolling > 0) throw new DerchainInputError('--rolling runs with --transport rpc only (the radio pilot clears one round)', { field: 'rolling' });
    return pilotRadio(flags, parsed, log);
  }
  if (parsed.market === 'pool') return pilotPool(flags, parsed, log, LIMITS);
  if ((flags.transport ?? 'rpc') !== 'rpc') throw new DerchainInputError('--transport lorawan|coap carries the pool market\'s rows; the bilateral market runs over rpc only', { field: 'transport' });
  if (scenario.prosumers.length > BILATERAL_MAX_PROSUMERS) {
    throw new DerchainInputError(`the bilateral market takes at most ${BILATERAL_MAX_PROSUMERS} prosumers (got ${scenario.prosumers.length}); use --market pool`, { field: 'prosumers' });
  }
  const blockTime = numberFlag('block-time', flags.blockTime, (v) => v >= 0 && v <= 60, 'seconds from 0 to 60') ?? 0;
  const deadlineBlocks = numberFlag('deadline-blocks', flags.deadlineBlocks, (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1');
  const outDir = flags.out ?? `out/pilot-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  checkReportTarget(outDir);
  let operatorKey: Hex | undefined;
  if (flags.operatorKeyFile) operatorKey = readFileSync(flags.operatorKeyFile, 'utf8').trim() as Hex;
  const result = await runPilot({
    scenario,
    admm,
    ...(flags.rpc && flags.rpc.length ? { rpcUrls: flags.rpc } : {}),
    ...(operatorKey ? { operatorKey } : {}),
    blockTime,
    ...(deadlineBlocks !== undefined ? { deadlineBlocks } : {}),
    log,
    onIteration: (it) =>
      log.info({ progress: true, iteration: it.iteration, of: admm.maxIterations, primalSq: String(it.primalSq), dualSq: String(it.dualSq), gas: Number(it.gas), converged: it.converged }, 'iteration on chain'),
  });
  const r = result.inMemory;
  const gasPerIteration = result.gasPerIteration.map(Number);
  if (r) {
    r.seconds = result.seconds;
    r.history.forEach((h, k) => (h.gas = gasPerIteration[k]));
    writeReport(r, scenario, outDir, { gasPerIteration, title: 'derchain pilot (on chain)', notes: [`contract ${result.contract}, round ${result.round}, matchesInMemory ${result.matchesInMemory}`] });
  }
  const summary = {
    market: 'bilateral',
    prosumers: scenario.prosumers.length,
    horizon: scenario.horizon,
    ...(r ? headlineFigures(r) : { admmObjective: null, centralizedObjective: null, relativeGap: null, primalResidual: null, dualResidual: null }),
    iterations: result.iterations,
    converged: r ? isConverged(result.converged, r.relativeGap) : result.converged,
    stopRuleMet: result.converged,
    seconds: result.seconds,
    gasPerIteration: gasPerIteration.length ? Math.max(...gasPerIteration) : 0,
    gasTotal: Number(result.gasTotal),
    blocks: Number(result.blocks),
    matchesInMemory: result.matchesInMemory,
    contract: result.contract,
    secondsPerIteration: result.secondsPerIteration,
    rho: admm.rho,
    tolerances: tolerancesOf(admm),
    reportDir: outDir,
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      [
        `derchain pilot: ${summary.prosumers} prosumers x ${summary.horizon} slots, contract ${summary.contract}`,
        `  on chain     ${summary.iterations} iterations, ${summary.converged ? 'converged' : 'NOT converged'}, ${summary.seconds.toFixed(1)} s (${summary.secondsPerIteration.toFixed(2)} s/iteration), ${summary.blocks} blocks`,
        `  gas          ${summary.gasPerIteration.toLocaleString('en-US')} per iteration (largest), ${summary.gasTotal.toLocaleString('en-US')} in total`,
        `  objective    ADMM ${summary.admmObjective?.toFixed(4)}  centralised ${summary.centralizedObjective?.toFixed(4)}  relative gap ${summary.relativeGap?.toExponential(2)}`,
        `  exactness    every iterate equals the in-memory engine: ${summary.matchesInMemory}${result.inMemoryMismatch ? ` (${result.inMemoryMismatch})` : ''}`,
        `  report       ${outDir}/report.html`,
        '',
      ].join('\n'),
    );
  }
  if (result.matchesInMemory === false || result.replay.mismatches.length > 0) process.exitCode = 1;
}

export function register(program: Command): void {
  const cmd = addScenarioOptions(
    program
      .command('pilot')
      .description('Run the coordination on chain: anvil (or --rpc nodes), the coordinator contract (pool by default, or bilateral), the households\' agents, report with gas'),
    LIMITS,
  );
  addKeyFileOption(addRpcOption(cmd, { many: true, description: 'existing loopback node(s); agents are spread round-robin (default: start anvil)' }), {
    flag: '--operator-key-file',
    whose: "funded operator's (with --rpc)",
  })
    .option('--block-time <s>', 'anvil block period in seconds (default: automine)')
    .option('--deadline-blocks <b>', 'blocks before a missing prosumer\'s row is filled in (bilateral: advance(); pool: its last row carried over)')
    .option('--submit <how>', 'pool: relay (the pilot batches the households\' signed rows, default) or own (each household sends its own transaction)')
    .option('--batch-size <k>', 'pool: signed rows per relayed transaction (a gateway\'s batch)', '10')
    .option('--households-per-process <k>', 'pool: households sharing one agent process, each with its own key (default: 1 up to 16 households, else 4 processes)')
    .option('--transport <how>', 'pool: rpc (agents beside a node, default), lorawan (simulated radio, ChirpStack MQTT, gateway relay) or coap (loopback UDP)')
    .option('--gateways <k>', 'lorawan: gateways (default 1)')
    .option('--spreading-factors <list>', 'lorawan: spreading factors given to the meters round-robin (default 7,8,9)')
    .option('--uplink-loss <share>', 'lorawan: extra uplink frame loss, e.g. 0.1 (default 0)')
    .option('--uplink-access <how>', 'lorawan: slotted (each meter in its channel and offset after the clearing, default) or aloha (random moment and channel)')
    .option('--region <name>', 'lorawan: EU868 (default) or US915')
    .option('--out <dir>', 'report directory (default out/pilot-<timestamp>)');
  addLogFormatOption(addJsonOption(cmd))
    .addHelpText(
      'after',
      `${DATA_HELP}
Examples:
  $ derchain pilot                                      # pool market: anvil, 10 households, one day, report in out/
  $ derchain pilot --market bilateral                   # the paper's bilateral market
  $ derchain pilot --transport lorawan                  # meters over simulated LoRaWAN, gateway relay, contract
  $ derchain pilot --transport coap                     # meters over CoAP (NB-IoT path) on loopback UDP
  $ derchain pilot --prosumers 1000 --generator --json  # 1000 households in 4 agent processes, relayed batches of 10
  $ derchain pilot --json --prosumers 5                 # one JSON object on stdout
  $ derchain pilot --rolling 2 --prosumers 3            # then 2 hourly re-clears on the same contract, warm-started
  $ derchain pilot --block-time 1 --out out/pilot-1s    # real 1 s block period
  $ derchain pilot --rpc http://127.0.0.1:8545 http://127.0.0.1:8546 --operator-key-file op.key
`,
    )
    .action(exitOnInputError('pilot', pilot));
}
