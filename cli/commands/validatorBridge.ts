// `derchain validator-bridge --rpc URL --governance ADDR`: runs beside one Clique validator and
// turns the consortium's decided validator changes into this node's clique votes (see
// governance/validatorBridge.ts). Logs to stderr (--log-format: readable lines on a terminal, JSON
// lines otherwise); stops on SIGINT/SIGTERM.
import type { Command } from 'commander';
import type { Address } from 'viem';
import { connectNode } from '../../chain/rpc.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { GovernanceAddressError } from '../../governance/governanceErrors.js';
import { runValidatorBridge } from '../../governance/validatorBridge.js';
import { DerchainInputError } from '../../errors/inputError.js';
import { addressArg } from '../governanceOptions.js';
import { addRpcOption } from '../connectionOptions.js';
import { exitOnInputError } from '../inputErrorExit.js';
import { addLogFormatOption, cliLogger, logFormatOf } from '../logOutput.js';

export function register(program: Command): void {
  const cmd = program.command('validator-bridge').description("Cast this validator's clique votes as the governance contract decides (restart-safe)");
  addRpcOption(cmd, { required: true, description: "this validator's JSON-RPC with the clique API (loopback only)" })
    .requiredOption('--governance <address>', 'governance contract address', addressArg('--governance'))
    .option('--poll-ms <ms>', 'poll interval in milliseconds', '1000');
  addLogFormatOption(cmd).action(
    exitOnInputError('validator-bridge', async (o: { rpc: string; governance: Address; pollMs: string; logFormat?: string }) => {
      const format = logFormatOf(o.logFormat, process.stderr);
      const pollMs = Number(o.pollMs);
      if (!Number.isInteger(pollMs) || pollMs < 100) throw new Error(`--poll-ms must be an integer >= 100, got "${o.pollMs}"`);
      // a wrong address would have the bridge poll an account or a foreign contract forever
      const governance = new GovernanceClient((await connectNode(o.rpc)).publicClient, o.governance);
      await governance.assertGovernance().catch((err: Error) => {
        throw err instanceof GovernanceAddressError ? new DerchainInputError(err.message, { field: '--governance' }) : err;
      });
      const { log: logger } = cliLogger({ name: 'validator-bridge', format, stream: process.stderr });
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await runValidatorBridge({ rpcUrl: o.rpc, governance: o.governance, pollMs, logger, signal: controller.signal });
    }),
  );
}
