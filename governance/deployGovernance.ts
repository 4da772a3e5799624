// Deploys contracts/Governance.sol with its initial members, validators, voting period and
// (optionally) the coordinator whose admitter role it is to take over.
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem';
import { compileGovernance } from './compile.js';
import { governanceAbi } from './governanceAbi.js';

export interface InitialMember {
  address: Address;
  name: string;
}

export interface InitialValidator {
  address: Address;
  enode: string;
  label: string;
}

export interface GovernanceGenesis {
  members: InitialMember[];
  validators: InitialValidator[];
  votingPeriodSeconds: number;
  /** coordinator contract administered by governance; zero address / absent = none */
  coordinator?: Address;
}

export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

export function constructorArgs(genesis: GovernanceGenesis) {
  return [
    genesis.members.map((m) => m.address),
    genesis.members.map((m) => m.name),
    genesis.validators.map((v) => v.address),
    genesis.validators.map((v) => v.enode),
    genesis.validators.map((v) => v.label),
    BigInt(genesis.votingPeriodSeconds),
    genesis.coordinator ?? ZERO_ADDRESS,
  ] as const;
}

/** Deploys and waits for the receipt; returns the contract address. */
export async function deployGovernance(
  publicClient: PublicClient<Transport, Chain>,
  walletClient: WalletClient<Transport, Chain, Account>,
  genesis: GovernanceGenesis,
): Promise<Address> {
  const { bytecode } = compileGovernance();
  const hash = await walletClient.deployContract({ abi: governanceAbi, bytecode, args: constructorArgs(genesis) });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`governance deployment failed (tx ${hash})`);
  return receipt.contractAddress;
}
