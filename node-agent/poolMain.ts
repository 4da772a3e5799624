// A pool agent process hosting one or more households: `node --import tsx node-agent/poolMain.ts
// --rpc URL --contract ADDR --households FILE --password-file FILE [--submit own|relay]`.
// FILE lists {keystore, data[, warmTarget][, windows]} per household (each its own encrypted key
// and its own data file; `windows`: the data files of the H rolling re-clears, with --rolling H). With --submit own each household sends its rows from its own account; with
// --submit relay the process prints each iteration's signed rows as one JSON line on stdout
// ({"round":"r","iteration":k,"rows":[SignedRow...]}) for a relay to batch (the pilot's in-process relay, a
// gateway); its first line is {"ready":<households>} once the keys are unlocked. Logs (pino, JSON) go to stderr; keys are decrypted in memory and never logged.
// With --rolling H the households stay for H more rounds (node-agent/poolRollingAgents.ts).
// Restarting: run the same command again (same keystores, data, warm start); the agents rejoin
// their running round from the chain (node-agent/poolAgentLoop.ts) and resume at its open iteration.
// Exit 0 when the (last) round converged, 3 when it ended otherwise, 1 on error.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { createPublicClient, createWalletClient, getAddress, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { POOL_STATUS, PoolCoordinatorClient } from '../contracts/poolCoordinatorClient.js';
import { assertLoopbackRpc, chainFor } from '../chain/rpc.js';
import { readAgentData } from './agentData.js';
import { unlockKeystore } from './keystore.js';
import type { PoolRowRelay } from './poolAgentLoop.js';
import { PoolChainView } from './poolChainView.js';
import { runPoolRollingAgents, type RollingHousehold } from './poolRollingAgents.js';
import { withRetry } from './retry.js';

const program = new Command('derchain-pool-agent')
  .requiredOption('--rpc <url>', 'JSON-RPC endpoint of a node (loopback)')
  .requiredOption('--contract <address>', 'pool coordinator address')
  .requiredOption('--households <file>', 'JSON list of {keystore, data[, warmTarget]}')
  .requiredOption('--password-file <file>', 'file holding the keystores\' password')
  .option('--submit <mode>', 'own | relay', 'own')
  .option('--round <r>', 'round id (default: the current round)')
  .option('--rolling <H>', 'stay for H rolling re-clears after the first round (windows in the households file)', '0')
  .option('--poll-ms <ms>', 'poll interval', '100')
  .option('--name <name>', 'name in the logs');
program.parse(process.argv);
const flags = program.opts<{ rpc: string; contract: string; households: string; passwordFile: string; submit: string; round?: string; rolling: string; pollMs: string; name?: string }>();

const log = pino({ name: flags.name ?? 'pool-agents', level: process.env.DERCHAIN_LOG_LEVEL ?? 'info' }, pino.destination({ fd: 2, sync: true }));
try {
  assertLoopbackRpc(flags.rpc);
  if (flags.submit !== 'own' && flags.submit !== 'relay') throw new Error(`--submit must be own or relay (got ${flags.submit})`);
  const hours = Number(flags.rolling);
  if (!Number.isInteger(hours) || hours < 0) throw new Error(`--rolling must be a whole number >= 0 (got ${flags.rolling})`);
  const list = JSON.parse(readFileSync(flags.households, 'utf8')) as { keystore: string; data: string; warmTarget?: string[]; windows?: string[] }[];
  const probe = createPublicClient({ transport: http(flags.rpc) });
  const chainId = await withRetry(() => probe.getChainId());
  const chain = chainFor(chainId, flags.rpc);
  const publicClient = createPublicClient({ chain, transport: http(flags.rpc, { retryCount: 0 }), pollingInterval: Number(flags.pollMs) });
  const contract = getAddress(flags.contract);
  const households: RollingHousehold[] = [];
  for (const h of list) {
    const key = await unlockKeystore(h.keystore, flags.passwordFile);
    const account = privateKeyToAccount(key.privateKey);
    households.push({
      account,
      data: readAgentData(h.data),
      windows: (h.windows ?? []).slice(0, hours).map(readAgentData),
      ...(flags.submit === 'own'
        ? { ownClient: new PoolCoordinatorClient(publicClient, contract, createWalletClient({ chain, transport: http(flags.rpc), account })) }
        : {}),
      ...(h.warmTarget ? { warmTarget: BigInt64Array.from(h.warmTarget, (v) => BigInt(v)) } : {}),
    });
  }
  log.info({ households: households.length, submit: flags.submit }, 'pool agents started');
  // keys unlocked, data read: tell the operator (or a supervisor) on stdout
  process.stdout.write(`${JSON.stringify({ ready: households.length })}\n`);
  const relay: PoolRowRelay = (iteration, rows, round) => void process.stdout.write(`${JSON.stringify({ round: String(round), iteration, rows })}\n`);
  const outcomes = await runPoolRollingAgents({
    hours,
    view: new PoolChainView(publicClient, contract),
    chainId,
    households,
    log,
    pollMs: Number(flags.pollMs),
    ...(flags.round !== undefined ? { round: BigInt(flags.round) } : {}),
    ...(flags.submit === 'relay' ? { relay } : {}),
    onRound: (out, h) => log.info({ reclear: h, round: String(out.round), iterations: out.iterations, status: out.status, joinedAt: out.joinedAt }, 'pool round done'),
  });
  process.exitCode = outcomes.at(-1)?.status === POOL_STATUS.converged ? 0 : 3;
} catch (err) {
  log.error({ err: err instanceof Error ? err.message : String(err) }, 'pool agents failed');
  process.exitCode = 1;
}
