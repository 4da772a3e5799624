// Deploys the community-market coordinator (contracts/PoolCoordinator.sol) with a wallet client
// and returns its address and the deploy receipt's gas (the operator's side: it compiles, cached).
import type { Account, Chain, PublicClient, Transport, WalletClient } from 'viem';
import { compilePoolCoordinator } from './compileCoordinator.js';
import type { DeployedCoordinator } from './deployCoordinator.js';

export async function deployPoolCoordinator(
  publicClient: PublicClient<Transport, Chain>,
  walletClient: WalletClient<Transport, Chain, Account>,
): Promise<DeployedCoordinator> {
  const { abi, bytecode } = compilePoolCoordinator();
  const hash = await walletClient.deployContract({ abi, bytecode, args: [] });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`pool coordinator deployment failed (tx ${hash})`);
  return { address: receipt.contractAddress, gasUsed: receipt.gasUsed };
}
