// Test support: a fifth geth node that joins a running startDevnet() network. It is initialised
// from the devnet's own geth genesis (DIR/network/geth/genesis.json) with a new signer key,
// peers statically with the existing validators, listens on 127.0.0.1 only, and runs with its
// signer unlocked and sealing once synced, so it seals as soon as the Clique signers vote it in.
// It runs with the devnet's own validator command line and config (gethArgs, gethConfigToml).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import { gethArgs, gethConfigToml, type Devnet } from '../../network-config/devnet.js';
import { findGeth } from '../../network-config/gethBinary.js';
import { blockNumberOf, rpcCall, waitFor } from '../../chain/rpc.js';
import { addressOf, enodeUrl, nodeIdOf, randomPrivateKey } from '../../network-config/keys.js';

export interface JoiningValidator {
  signer: Address;
  enode: string;
  rpcUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startJoiningValidator(devnet: Devnet, p2pPort: number, httpPort: number, authPort: number): Promise<JoiningValidator> {
  const geth = findGeth();
  const home = join(devnet.dir, 'joining');
  const keysDir = join(home, 'keys');
  const datadir = join(home, 'data');
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const key = randomPrivateKey();
  const nodekey = join(keysDir, 'nodekey');
  const password = join(keysDir, 'password');
  writeFileSync(nodekey, key, { mode: 0o600 });
  writeFileSync(password, randomBytes(24).toString('hex'), { mode: 0o600 });
  const signer = addressOf(key);
  const genesis = join(devnet.dir, 'network', 'geth', 'genesis.json');
  execFileSync(geth, ['--datadir', datadir, 'init', genesis], { stdio: 'ignore' });
  execFileSync(geth, ['--datadir', datadir, 'account', 'import', '--lightkdf', '--password', password, nodekey], { stdio: 'ignore' });
  const config = join(home, 'geth.toml');
  writeFileSync(config, gethConfigToml(p2pPort, devnet.enodes));
  const logFile = join(home, 'geth.log');
  const fd = openSync(logFile, 'a', 0o644);
  const args = gethArgs(devnet.chainId, { datadir, httpPort, authPort, signer }, keysDir, config);
  const child: ChildProcess = spawn(geth, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const rpcUrl = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  process.once('exit', () => child.kill('SIGTERM'));
  try {
    const head = await blockNumberOf(devnet.rpcUrls[0]!);
    await waitFor('the joining node to sync', 60_000, async () => ((await blockNumberOf(rpcUrl)) >= head ? true : undefined), 250);
    await rpcCall(rpcUrl, 'miner_start', []);
  } catch (err) {
    await stop();
    throw err;
  }
  return { signer, enode: enodeUrl(nodeIdOf(key), '127.0.0.1', p2pPort), rpcUrl, logFile, stop };
}
