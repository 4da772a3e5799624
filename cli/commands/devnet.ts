// `derchain devnet up|down|status --dir DIR`: a local multi-validator Clique network of geth 1.13
// nodes on 127.0.0.1 for users who have geth. `up` leaves the nodes running and records their pids
// and ports in DIR/devnet.json, so `down` and `status` work from another shell. The default chain
// of `npm start` stays anvil.
import type { Command } from 'commander';
import Table from 'cli-table3';
import { DEVNET_DEFAULTS, devnetStatus, startDevnet, stopDevnet } from '../../network-config/devnet.js';

function int(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got "${v}"`);
    return n;
  };
}

export function register(program: Command): void {
  const devnet = program.command('devnet').description('Local Clique network of geth 1.13 validators on 127.0.0.1');

  devnet
    .command('up')
    .requiredOption('--dir <dir>', 'devnet directory (keys, chain data, logs, devnet.json)')
    .option('--validators <n>', 'number of validators', int('validators'), DEVNET_DEFAULTS.validators)
    .option('--period <s>', 'block period in seconds', int('period'), DEVNET_DEFAULTS.periodSeconds)
    .option('--base-port <port>', 'P2P base+i, HTTP base+100+i, auth RPC base+200+i', int('base-port'), DEVNET_DEFAULTS.basePort)
    .option('--chain-id <id>', 'chain id', int('chain-id'), DEVNET_DEFAULTS.chainId)
    .option('--json', 'print the result as JSON')
    .description('Start (or restart, keeping its chain) the devnet in DIR and leave it running')
    .action(async (o: { dir: string; validators: number; period: number; basePort: number; chainId: number; json?: boolean }) => {
      const net = await startDevnet({ dir: o.dir, validators: o.validators, periodSeconds: o.period, basePort: o.basePort, chainId: o.chainId, detached: true });
      const info = { dir: net.dir, chainId: net.chainId, rpcUrls: net.rpcUrls, signers: net.signers, fundedKeysFile: `${net.dir}/keys/funded-keys.json` };
      if (o.json) process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      else {
        process.stdout.write(
          `devnet up: chain ${net.chainId}, ${net.rpcUrls.length} validators\n` +
            net.rpcUrls.map((u, i) => `  ${u}  signer ${net.signers[i]}`).join('\n') +
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
    .description('Show each node: running, pid, block height, peers')
    .action(async (o: { dir: string; json?: boolean }) => {
      const st = await devnetStatus(o.dir);
      if (st === undefined) throw new Error(`no devnet in ${o.dir} (devnet.json missing); start one with: derchain devnet up --dir ${o.dir}`);
      if (o.json) {
        process.stdout.write(JSON.stringify(st, null, 2) + '\n');
        return;
      }
      const t = new Table({ head: ['node', 'running', 'pid', 'block', 'peers', 'rpc', 'signer'] });
      for (const n of st.nodes) t.push([n.name, n.running ? 'yes' : 'no', n.pid ?? '-', n.blockNumber ?? '-', n.peers ?? '-', n.rpcUrl, n.signer]);
      process.stdout.write(`chain ${st.chainId}\n${t.toString()}\n`);
      if (!st.nodes.some((n) => n.running)) process.exitCode = 3;
    });
}
