// The prosumer agent process: `node --import tsx node-agent/main.ts --rpc URL --contract ADDR
// --keystore FILE --password-file FILE --data FILE [--round R] [--poll-ms MS]`. Logs (pino,
// JSON) go to stderr; the key is decrypted in memory and never logged. Exit 0 when the round
// converged, 3 when it ended otherwise, 1 on error.
import { Command } from 'commander';
import pino from 'pino';
import { getAddress } from 'viem';
import { readAgentData } from './agentData.js';
import { withHouseholdOptions, type HouseholdFlags } from './householdOptions.js';
import { assertLoopbackRpc } from '../chain/rpc.js';
import { HttpChainClient } from './chainClient.js';
import { unlockKeystore } from './keystore.js';
import { runAgent } from './agentLoop.js';
import { ROUND_STATUS } from '../contracts/coordinatorClient.js';

const program = withHouseholdOptions(
  new Command('derchain-agent')
    .requiredOption('--rpc <url>', 'JSON-RPC endpoint of a node (loopback)')
    .requiredOption('--contract <address>', 'coordinator contract address')
    .option('--round <r>', 'round id (default: the current round)'),
  { pollMs: '100' },
);
program.parse(process.argv);
const flags = program.opts<HouseholdFlags & { rpc: string; contract: string; round?: string }>();

const log = pino({ name: flags.name ?? 'agent', level: process.env.DERCHAIN_LOG_LEVEL ?? 'info' }, pino.destination({ fd: 2, sync: true }));
try {
  assertLoopbackRpc(flags.rpc);
  const key = await unlockKeystore(flags.keystore, flags.passwordFile);
  const data = readAgentData(flags.data);
  const client = await HttpChainClient.connect({
    rpcUrl: flags.rpc,
    contract: getAddress(flags.contract),
    privateKey: key.privateKey,
    pollMs: Number(flags.pollMs),
    retry: { onRetry: (attempt, err) => log.warn({ attempt, err: String((err as Error).message ?? err).slice(0, 200) }, 'transient RPC failure, retrying') },
  });
  log.info({ account: client.address, prosumer: data.prosumer.id }, 'agent started');
  const outcome = await runAgent({
    client,
    data,
    log,
    pollMs: Number(flags.pollMs),
    ...(flags.round !== undefined ? { round: BigInt(flags.round) } : {}),
  });
  process.exitCode = outcome.status === ROUND_STATUS.converged ? 0 : 3;
} catch (err) {
  log.error({ err: err instanceof Error ? err.message : String(err) }, 'agent failed');
  process.exitCode = 1;
}
