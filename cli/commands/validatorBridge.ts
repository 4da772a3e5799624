// `derchain validator-bridge --rpc URL --governance ADDR`: runs beside one Clique validator and
// turns the consortium's decided validator changes into this node's clique votes (see
// governance/validatorBridge.ts). Logs JSON lines (pino) to stderr; stops on SIGINT/SIGTERM.
import type { Command } from 'commander';
import { pino } from 'pino';
import { getAddress, isAddress } from 'viem';
import { runValidatorBridge } from '../../governance/validatorBridge.js';

export function register(program: Command): void {
  program
    .command('validator-bridge')
    .description("Cast this validator's clique votes as the governance contract decides (restart-safe)")
    .requiredOption('--rpc <url>', "this validator's JSON-RPC with the clique API (loopback only)")
    .requiredOption('--governance <address>', 'governance contract address')
    .option('--poll-ms <ms>', 'poll interval in milliseconds', '1000')
    .action(async (o: { rpc: string; governance: string; pollMs: string }) => {
      if (!isAddress(o.governance, { strict: false })) throw new Error(`--governance must be an address, got "${o.governance}"`);
      const pollMs = Number(o.pollMs);
      if (!Number.isInteger(pollMs) || pollMs < 100) throw new Error(`--poll-ms must be an integer >= 100, got "${o.pollMs}"`);
      const logger = pino({ name: 'validator-bridge', base: { pid: process.pid } }, pino.destination(2));
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await runValidatorBridge({ rpcUrl: o.rpc, governance: getAddress(o.governance), pollMs, logger, signal: controller.signal });
    });
}
