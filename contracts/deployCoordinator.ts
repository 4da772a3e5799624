// Deploys the coordinator with a wallet client and returns its address and the deploy receipt's gas.
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem';
import { compileCoordinator } from './compileCoordinator.js';

export interface DeployedCoordinator {
  address: Address;
  gasUsed: bigint;
}

export async function deployCoordinator(
  publicClient: PublicClient<Transport, Chain>,
  walletClient: WalletClient<Transport, Chain, Account>,
): Promise<DeployedCoordinator> {
  const { abi, bytecode } = compileCoordinator();
  const hash = await walletClient.deployContract({ abi, bytecode, args: [] });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`coordinator deployment failed (tx ${hash})`);
  return { address: receipt.contractAddress, gasUsed: receipt.gasUsed };
}
