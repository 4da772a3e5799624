// `derchain deploy --rpc URL [--key-file FILE] [--json]`: deploys the coordinator contract to an
// existing chain (the step `pulumi up` runs once the validators seal) and prints its address.
// The deployer key comes from --key-file (chmod 600) or DERCHAIN_DEPLOYER_KEY, never the command
// line, and is never printed.
import type { Command } from 'commander';
import { deployCoordinator } from '../../contracts/deployCoordinator.js';
import { connectNode } from '../../chain/rpc.js';
import { DEPLOYER_KEY_ENV, loadSigningKey } from '../../governance/memberKey.js';
import { processIO, type CommandIO } from '../commandIO.js';
import { addJsonOption, addKeyFileOption, addRpcOption } from '../connectionOptions.js';
import { exitOnInputError } from '../inputErrorExit.js';

interface DeployFlags {
  rpc: string;
  keyFile?: string;
  json?: boolean;
}

export interface DeployOutcome {
  coordinator: string;
  deployer: string;
  chainId: number;
  gasUsed: string;
  blockNumber: string;
}

export async function deployToChain(rpc: string, keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DeployOutcome> {
  const key = loadSigningKey(keyFile, DEPLOYER_KEY_ENV, env);
  if (key === undefined) throw new Error(`no deployer key: give --key-file FILE or set ${DEPLOYER_KEY_ENV}`);
  const { publicClient, walletClient } = await connectNode(rpc, key);
  if (!walletClient) throw new Error('internal: no wallet client for the deployer key');
  const deployed = await deployCoordinator(publicClient, walletClient);
  return {
    coordinator: deployed.address,
    deployer: walletClient.account.address,
    chainId: publicClient.chain.id,
    gasUsed: deployed.gasUsed.toString(),
    blockNumber: (await publicClient.getBlockNumber({ cacheTime: 0 })).toString(),
  };
}

export function register(program: Command, io: CommandIO = processIO()): void {
  const cmd = program.command('deploy').description('Deploy the coordinator contract to an existing chain (loopback RPC) and print its address.');
  addRpcOption(cmd, { required: true });
  addKeyFileOption(cmd, { whose: "deployer's 0x-hex", env: DEPLOYER_KEY_ENV });
  addJsonOption(cmd)
    .addHelpText('after', '\nExample:\n  DERCHAIN_DEPLOYER_KEY=0x... derchain deploy --rpc http://127.0.0.1:8545 --json\n')
    .action(
      exitOnInputError(
        'deploy',
        async (flags: DeployFlags) => {
          const out = await deployToChain(flags.rpc, flags.keyFile, io.env);
          if (flags.json) io.stdout.write(`${JSON.stringify(out)}\n`);
          else io.stdout.write(`coordinator deployed at ${out.coordinator} (chain ${out.chainId}, deployer ${out.deployer}, ${out.gasUsed} gas)\n`);
        },
        io,
      ),
    );
}
