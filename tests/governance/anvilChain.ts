// Test support: a throwaway anvil chain (EVM "paris", like the Clique network) on a free
// loopback port, with freshly generated, funded accounts. Used for the contract-logic tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPublicClient, http, parseEther, type Hex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { connectNode, type NodeClients } from '../../governance/chainClients.js';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';

const ANVIL = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.bin', 'anvil');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A devnet base port with every port of its range free (see network-config/devnetPorts.ts). */
export const freeBasePort = freeDevnetBasePort;

export interface AnvilChain {
  rpcUrl: string;
  /** clients for each generated account (index = account) */
  accounts: NodeClients[];
  keys: Hex[];
  stop(): Promise<void>;
  /** advances block time by `seconds` and mines a block */
  increaseTime(seconds: number): Promise<void>;
  setCode(address: Hex, code: Hex): Promise<void>;
  setStorageAt(address: Hex, slot: Hex, value: Hex): Promise<void>;
}

export async function startAnvil(accountCount: number, extraArgs: string[] = []): Promise<AnvilChain> {
  const port = await freePort();
  const child: ChildProcess = spawn(ANVIL, ['--host', '127.0.0.1', '--port', String(port), '--hardfork', 'paris', '--silent', ...extraArgs], {
    stdio: 'ignore',
  });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const started = Date.now();
  for (;;) {
    try {
      await probe.getChainId();
      break;
    } catch {
      if (Date.now() - started > 15000) {
        child.kill('SIGKILL');
        throw new Error('anvil did not start within 15 s');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const rpc = (method: string, params: unknown[]) => probe.request({ method: method as never, params: params as never });
  const keys = Array.from({ length: accountCount }, () => generatePrivateKey());
  const accounts: NodeClients[] = [];
  for (const key of keys) {
    const clients = await connectNode(rpcUrl, key);
    await rpc('anvil_setBalance', [clients.walletClient!.account.address, `0x${parseEther('1000').toString(16)}`]);
    accounts.push(clients);
  }
  return {
    rpcUrl,
    accounts,
    keys,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    async increaseTime(seconds) {
      await rpc('evm_increaseTime', [seconds]);
      await rpc('evm_mine', []);
    },
    async setCode(address, code) {
      await rpc('anvil_setCode', [address, code]);
    },
    async setStorageAt(address, slot, value) {
      await rpc('anvil_setStorageAt', [address, slot, value]);
    },
  };
}
