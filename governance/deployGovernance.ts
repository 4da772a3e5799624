// Deploys contracts/Governance.sol with its initial members, validators, voting period and
// (optionally) the coordinator whose admitter role it is to take over.
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem';
import { compileGovernance } from './compile.js';
import { governanceAbi } from './governanceAbi.js';
import { MAX_ENODE_BYTES, MAX_LABEL_BYTES, MAX_VOTING_PERIOD_SECONDS, MIN_VOTING_PERIOD_SECONDS, textProblem } from './textRules.js';

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

/** The contract constructor's rules (voting period range, printable bounded text), checked before sending. */
export function assertGenesisRules(genesis: GovernanceGenesis): void {
  const p = genesis.votingPeriodSeconds;
  if (!Number.isInteger(p) || p < MIN_VOTING_PERIOD_SECONDS || p > MAX_VOTING_PERIOD_SECONDS) {
    throw new Error(`the voting period must be a whole number of seconds in [${MIN_VOTING_PERIOD_SECONDS}, ${MAX_VOTING_PERIOD_SECONDS}] (366 days), got ${p}`);
  }
  const problems = [
    ...genesis.members.map((m) => textProblem(`the name of member ${m.address}`, m.name, MAX_LABEL_BYTES)),
    ...genesis.validators.flatMap((v) => [
      textProblem(`the label of validator ${v.address}`, v.label, MAX_LABEL_BYTES),
      textProblem(`the enode of validator ${v.address}`, v.enode, MAX_ENODE_BYTES),
    ]),
  ].filter((x) => x !== undefined);
  if (problems.length > 0) throw new Error(problems.join('; '));
}

/** Deploys and waits for the receipt; returns the contract address. */
export async function deployGovernance(
  publicClient: PublicClient<Transport, Chain>,
  walletClient: WalletClient<Transport, Chain, Account>,
  genesis: GovernanceGenesis,
): Promise<Address> {
  assertGenesisRules(genesis);
  const { bytecode } = compileGovernance();
  const hash = await walletClient.deployContract({ abi: governanceAbi, bytecode, args: constructorArgs(genesis) });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`governance deployment failed (tx ${hash})`);
  return receipt.contractAddress;
}
