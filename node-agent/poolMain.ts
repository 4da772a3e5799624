// A pool agent process hosting one or more households: `node --import tsx node-agent/poolMain.ts
// --rpc URL --contract ADDR --households FILE --password-file FILE [--submit own|relay]`.
// FILE lists {keystore, data[, warmTarget]} per household (each its own encrypted key and its own
// data file). With --submit own each household sends its rows from its own account; with
// --submit relay the process prints each iteration's signed rows as one JSON line on stdout
// ({"iteration":k,"rows":[SignedRow...]}) for a relay to batch (the pilot's in-process relay, a
// gateway); its first line is {"ready":<households>} once the keys are unlocked. Logs (pino, JSON) go to stderr; keys are decrypted in memory and never logged.
// Exit 0 when the round converged, 3 when it ended otherwise, 1 on error.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { createPublicClient, createWalletClient, getAddress, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { POOL_STATUS, PoolCoordinatorClient } from '../contracts/poolCoordinatorClient.js';
import { assertLoopbackRpc, chainFor } from '../chain/rpc.js';
import { readAgentData } from './agentData.js';
import { unlockKeystore } from './keystore.js';
import { runPoolAgents, type PoolHousehold } from './poolAgentLoop.js';
import { PoolChainView } from './poolChainView.js';
import { withRetry } from './retry.js';

const program = new Command('derchain-pool-agent')
  .requiredOption('--rpc <url>', 'JSON-RPC endpoint of a node (loopback)')
  .requiredOption('--contract <address>', 'pool coordinator address')
  .requiredOption('--households <file>', 'JSON list of {keystore, data[, warmTarget]}')
  .requiredOption('--password-file <file>', 'file holding the keystores\' password')
  .option('--submit <mode>', 'own | relay', 'own')
  .option('--round <r>', 'round id (default: the current round)')
  .option('--poll-ms <ms>', 'poll interval', '100')
  .option('--name <name>', 'name in the logs');
program.parse(process.argv);
const flags = program.opts<{ rpc: string; contract: string; households: string; passwordFile: string; submit: string; round?: string; pollMs: string; name?: string }>();

const log = pino({ name: flags.name ?? 'pool-agents', level: process.env.DERCHAIN_LOG_LEVEL ?? 'info' }, pino.destination({ fd: 2, sync: true }));
try {
  assertLoopbackRpc(flags.rpc);
  if (flags.submit !== 'own' && flags.submit !== 'relay') throw new Error(`--submit must be own or relay (got ${flags.submit})`);
  const list = JSON.parse(readFileSync(flags.households, 'utf8')) as { keystore: string; data: string; warmTarget?: string[] }[];
  const probe = createPublicClient({ transport: http(flags.rpc) });
  const chainId = await withRetry(() => probe.getChainId());
  const chain = chainFor(chainId, flags.rpc);
  const publicClient = createPublicClient({ chain, transport: http(flags.rpc, { retryCount: 0 }), pollingInterval: Number(flags.pollMs) });
  const contract = getAddress(flags.contract);
  const households: PoolHousehold[] = [];
  for (const h of list) {
    const key = await unlockKeystore(h.keystore, flags.passwordFile);
    const account = privateKeyToAccount(key.privateKey);
    households.push({
      account,
      data: readAgentData(h.data),
      ...(flags.submit === 'own'
        ? { ownClient: new PoolCoordinatorClient(publicClient, contract, createWalletClient({ chain, transport: http(flags.rpc), account })) }
        : {}),
      ...(h.warmTarget ? { warmTarget: BigInt64Array.from(h.warmTarget, (v) => BigInt(v)) } : {}),
    });
  }
  log.info({ households: households.length, submit: flags.submit }, 'pool agents started');
  // keys unlocked, data read: tell the operator (or a supervisor) on stdout
  process.stdout.write(`${JSON.stringify({ ready: households.length })}\n`);
  const outcome = await runPoolAgents({
    view: new PoolChainView(publicClient, contract),
    chainId,
    households,
    log,
    pollMs: Number(flags.pollMs),
    ...(flags.round !== undefined ? { round: BigInt(flags.round) } : {}),
    ...(flags.submit === 'relay' ? { relay: (iteration, rows) => void process.stdout.write(`${JSON.stringify({ iteration, rows })}\n`) } : {}),
  });
  process.exitCode = outcome.status === POOL_STATUS.converged ? 0 : 3;
} catch (err) {
  log.error({ err: err instanceof Error ? err.message : String(err) }, 'pool agents failed');
  process.exitCode = 1;
}
