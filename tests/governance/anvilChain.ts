// Test support: a throwaway anvil chain (chain/localChain.ts) with freshly generated, funded
// accounts signing locally, and anvil's cheat codes (time, code, storage). Used for the
// contract-logic tests of governance and the fleet.
import { parseEther, type Hex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { freeLoopbackPort, startAnvil as startLocalAnvil } from '../../chain/localChain.js';
import { connectNode, rpcCall, type NodeClients } from '../../chain/rpc.js';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';

export const freePort = freeLoopbackPort;

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
  const anvil = await startLocalAnvil({ extraArgs });
  const rpcUrl = anvil.rpcUrl;
  const rpc = (method: string, params: unknown[]) => rpcCall(rpcUrl, method, params);
  try {
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
      stop: () => anvil.stop(),
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
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}
