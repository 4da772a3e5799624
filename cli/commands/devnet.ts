// `derchain devnet up|down|status --dir DIR`: a local multi-validator network on 127.0.0.1, of
// Hyperledger Besu nodes (Clique on 26.2.0, QBFT on 26.8.0, run from the generated network files)
// or geth 1.13 nodes (Clique). Besu is the default wherever the needed release is installed. `up`
// leaves the nodes running and records their pids and ports in DIR/devnet.json, so `down` and
// `status` work from another shell. The default chain of `npm start` stays anvil.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { BESU_VERSION_FOR, locateBesu, type Consensus } from '../../network-config/besuBinary.js';
import { DEVNET_DEFAULTS, devnetStatus, startDevnet, stopDevnet, type DevnetClient } from '../../network-config/devnet.js';
import { readDevnetState } from '../../network-config/devnetState.js';

function int(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got "${v}"`);
    return n;
  };
}

export function register(program: Command): void {
  const devnet = program.command('devnet').description('Local proof-of-authority network on 127.0.0.1: Besu (Clique or QBFT) or geth 1.13 (Clique)');

  devnet
    .command('up')
    .requiredOption('--dir <dir>', 'devnet directory (keys, chain data, logs, devnet.json)')
    .option('--validators <n>', 'number of validators', int('validators'), DEVNET_DEFAULTS.validators)
    .option('--period <s>', 'block period in seconds', int('period'), DEVNET_DEFAULTS.periodSeconds)
    .option('--base-port <port>', 'P2P base+i, HTTP base+100+i, auth RPC base+200+i', int('base-port'), DEVNET_DEFAULTS.basePort)
    .option('--chain-id <id>', 'chain id', int('chain-id'), DEVNET_DEFAULTS.chainId)
    .option('--client <client>', 'besu or geth (default: besu when the Besu release for the consensus is installed, else geth)')
    .option('--consensus <engine>', 'clique (Besu 26.2.0 or geth) or qbft (Besu 26.8.0)', 'clique')
    .option('--validator-selection <source>', 'QBFT: genesis (extraData, changed by validator votes) or contract (the governance contract)', 'genesis')
    .option('--members <n>', 'Besu: non-validator nodes besides the validators', int('members'), 0)
    .option('--json', 'print the result as JSON')
    .description('Start (or restart, keeping its chain) the devnet in DIR and leave it running')
    .action(async (o: { dir: string; validators: number; period: number; basePort: number; chainId: number; client?: string; consensus: string; validatorSelection: string; members: number; json?: boolean }) => {
      if (o.consensus !== 'clique' && o.consensus !== 'qbft') throw new Error(`--consensus must be clique or qbft, got "${o.consensus}"`);
      if (o.client !== undefined && o.client !== 'besu' && o.client !== 'geth') throw new Error(`--client must be besu or geth, got "${o.client}"`);
      if (o.validatorSelection !== 'genesis' && o.validatorSelection !== 'contract') throw new Error(`--validator-selection must be genesis or contract, got "${o.validatorSelection}"`);
      const consensus = o.consensus as Consensus;
      // a devnet that exists keeps its client; a new one gets Besu wherever it is installed
      const recorded = readDevnetState(resolve(o.dir));
      const client: DevnetClient | undefined =
        (o.client as DevnetClient | undefined) ??
        (recorded !== undefined ? undefined : consensus === 'qbft' || locateBesu(BESU_VERSION_FOR[consensus]) !== undefined ? 'besu' : 'geth');
      const net = await startDevnet({
        dir: o.dir,
        ...(client !== undefined ? { client } : {}),
        consensus,
        validatorSelection: o.validatorSelection,
        members: o.members,
        validators: o.validators,
        periodSeconds: o.period,
        basePort: o.basePort,
        chainId: o.chainId,
        detached: true,
      });
      const info = {
        dir: net.dir,
        client: net.client,
        clientVersion: net.clientVersion,
        consensus: net.consensus,
        chainId: net.chainId,
        rpcUrls: net.rpcUrls,
        signers: net.signers,
        nodes: net.nodes,
        startupSeconds: net.startupSeconds,
        fundedKeysFile: `${net.dir}/keys/funded-keys.json`,
      };
      if (o.json) process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      else {
        process.stdout.write(
          `devnet up: ${net.client} ${net.clientVersion} ${net.consensus}, chain ${net.chainId}, ${net.rpcUrls.length} validators (${net.startupSeconds.toFixed(0)} s)\n` +
            net.nodes.map((n) => `  ${n.rpcUrl}  ${n.role === 'validator' ? 'signer' : 'member'} ${n.address}${n.metricsUrl ? `  metrics ${n.metricsUrl}` : ''}`).join('\n') +
            `\nfunded account keys (owner-only file): ${info.fundedKeysFile}\nstop with: derchain devnet down --dir ${o.dir}\n`,
        );
      }
    });

  devnet
    .command('down')
    .requiredOption('--dir <dir>', 'devnet directory')
    .description('Stop the devnet nodes recorded in DIR/devnet.json (the chain data stays)')
    .action(async (o: { dir: string }) => {
      const stopped = await stopDevnet(o.dir);
      process.stdout.write(stopped.length > 0 ? `stopped ${stopped.join(', ')}\n` : 'no devnet node was running\n');
    });

  devnet
    .command('status')
    .requiredOption('--dir <dir>', 'devnet directory')
    .option('--json', 'print the status as JSON')
    .description('Show each node: client and version, running, pid, block height, peers, and the validator set')
    .action(async (o: { dir: string; json?: boolean }) => {
      const st = await devnetStatus(o.dir);
      if (st === undefined) throw new Error(`no devnet in ${o.dir} (devnet.json missing); start one with: derchain devnet up --dir ${o.dir}`);
      if (o.json) {
        process.stdout.write(JSON.stringify(st, null, 2) + '\n');
        return;
      }
      const t = new Table({ head: ['node', 'role', 'client', 'running', 'pid', 'block', 'peers', 'rpc', 'address'] });
      for (const n of st.nodes) t.push([n.name, n.role, n.clientVersion ?? '-', n.running ? 'yes' : 'no', n.pid ?? '-', n.blockNumber ?? '-', n.peers ?? '-', n.rpcUrl, n.signer]);
      const set = st.nodes.find((n) => n.validators !== undefined)?.validators;
      const source = st.consensus === 'clique' ? 'clique_getSigners' : `qbft_getValidatorsByBlockNumber${st.validatorSelection === 'contract' ? ', from the governance contract' : ''}`;
      process.stdout.write(
        `chain ${st.chainId}, ${st.client} ${st.consensus}\n${t.toString()}\n` +
          (set ? `validator set (${set.length}, ${source}):\n${set.map((a) => `  ${a}`).join('\n')}\n` : 'validator set: no running node answered\n'),
      );
      if (!st.nodes.some((n) => n.running)) process.exitCode = 3;
    });
}
