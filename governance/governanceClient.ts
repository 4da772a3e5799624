// Typed access to a deployed governance contract: reads (members, validators, proposals, the
// validator change log) and member actions (propose, vote, execute, expire). Reverts come back as
// GovernanceRevertError with a plain sentence.
import type { Account, Address, Chain, Hash, PublicClient, Transport, WalletClient } from 'viem';
import { parseEventLogs } from 'viem';
import { coordinatorAdmissionErrors, explainGovernanceError } from './governanceErrors.js';
import { governanceAbi } from './governanceAbi.js';
import { kindCode, kindName, statusName, type ProposalKind, type ProposalStatus } from './proposalKinds.js';

/** Gas added to every governance transaction so that a vote may also execute its proposal
 * (adding a validator with a long enode, or a coordinator call); unused gas is not charged. */
export const EXECUTION_GAS_HEADROOM = 500_000n;

export interface MemberView {
  address: Address;
  name: string;
}

export interface ValidatorView {
  address: Address;
  enode: string;
  label: string;
}

export interface ProposalView {
  id: number;
  kind: ProposalKind;
  status: ProposalStatus;
  subject: Address;
  proposer: Address;
  createdAt: Date;
  deadline: Date;
  enode: string;
  label: string;
  yes: number;
  no: number;
}

/** One executed validator proposal, in execution order. */
export interface ValidatorChange {
  proposalId: number;
  validator: Address;
  add: boolean;
}

export interface ProposalDetails {
  enode?: string;
  /** validator label, or the organisation name of a new member */
  label?: string;
}

export class GovernanceClient {
  constructor(
    readonly publicClient: PublicClient<Transport, Chain>,
    readonly address: Address,
    readonly walletClient?: WalletClient<Transport, Chain, Account>,
  ) {}

  private read<T>(functionName: string, args: readonly unknown[] = []): Promise<T> {
    return this.publicClient.readContract({
      address: this.address,
      abi: governanceAbi,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;
  }

  async members(): Promise<MemberView[]> {
    const addresses = await this.read<readonly Address[]>('getMembers');
    return Promise.all(addresses.map(async (address) => ({ address, name: await this.read<string>('memberName', [address]) })));
  }

  async validators(): Promise<ValidatorView[]> {
    const addresses = await this.read<readonly Address[]>('getValidators');
    return Promise.all(
      addresses.map(async (address) => {
        const [enode, label] = await this.read<readonly [string, string]>('validatorInfo', [address]);
        return { address, enode, label };
      }),
    );
  }

  isMember(account: Address): Promise<boolean> {
    return this.read<boolean>('isMember', [account]);
  }

  /** The coordinator whose admission this contract administers (zero address: none). */
  coordinator(): Promise<Address> {
    return this.read<Address>('coordinator');
  }

  async majority(): Promise<number> {
    return Number(await this.read<bigint>('majority'));
  }

  async proposalCount(): Promise<number> {
    return Number(await this.read<bigint>('proposalCount'));
  }

  async proposal(id: number): Promise<ProposalView> {
    try {
      const r = await this.read<
        readonly [number, number, Address, Address, bigint, bigint, string, string, bigint, bigint]
      >('getProposal', [BigInt(id)]);
      return {
        id,
        kind: kindName(r[0]),
        status: statusName(r[1]),
        subject: r[2],
        proposer: r[3],
        createdAt: new Date(Number(r[4]) * 1000),
        deadline: new Date(Number(r[5]) * 1000),
        enode: r[6],
        label: r[7],
        yes: Number(r[8]),
        no: Number(r[9]),
      };
    } catch (err) {
      throw explainGovernanceError(err);
    }
  }

  async proposals(filter: { status?: ProposalStatus } = {}): Promise<ProposalView[]> {
    const count = await this.proposalCount();
    const all = await Promise.all(Array.from({ length: count }, (_, id) => this.proposal(id)));
    return filter.status === undefined ? all : all.filter((p) => p.status === filter.status);
  }

  async validatorChanges(from = 0): Promise<ValidatorChange[]> {
    const count = Number(await this.read<bigint>('validatorChangeCount'));
    const changes: ValidatorChange[] = [];
    for (let i = from; i < count; i++) {
      const [proposalId, validator, add] = await this.read<readonly [bigint, Address, boolean]>('validatorChangeAt', [BigInt(i)]);
      changes.push({ proposalId: Number(proposalId), validator, add });
    }
    return changes;
  }

  /** Simulates (so a revert surfaces with its reason), sends, and waits for the receipt. */
  private async write(functionName: string, args: readonly unknown[]): Promise<{ hash: Hash; logs: readonly unknown[] }> {
    const wallet = this.walletClient;
    if (!wallet) throw new Error('governance: this action needs a member key (--key-file or DERCHAIN_MEMBER_KEY)');
    try {
      const { request } = await this.publicClient.simulateContract({
        address: this.address,
        abi: [...governanceAbi, ...coordinatorAdmissionErrors],
        functionName: functionName as never,
        args: args as never,
        account: wallet.account,
      });
      // A vote estimated on a node that has not yet seen another member's vote would be priced
      // as non-deciding and run out of gas if it turns out to decide (and execute) the proposal.
      const estimate = await this.publicClient.estimateContractGas({
        address: this.address,
        abi: governanceAbi,
        functionName: functionName as never,
        args: args as never,
        account: wallet.account,
      });
      const hash = await wallet.writeContract({ ...(request as object), gas: estimate + EXECUTION_GAS_HEADROOM } as never);
      const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') {
        const tx = await this.publicClient.getTransaction({ hash });
        throw new Error(
          `governance: ${functionName} transaction ${hash} reverted in block ${receipt.blockNumber} (gas used ${receipt.gasUsed} of ${tx.gas})`,
        );
      }
      return { hash, logs: receipt.logs };
    } catch (err) {
      throw explainGovernanceError(err);
    }
  }

  /** Opens a proposal (counting the proposer's yes); returns its id and the resulting status. */
  async propose(kind: ProposalKind, subject: Address, details: ProposalDetails = {}): Promise<{ id: number; status: ProposalStatus; hash: Hash }> {
    const { hash, logs } = await this.write('propose', [kindCode(kind), subject, details.enode ?? '', details.label ?? '']);
    const created = parseEventLogs({ abi: governanceAbi, eventName: 'ProposalCreated', logs: logs as never });
    const first = created[0];
    if (!first) throw new Error(`governance: no ProposalCreated event in ${hash}`);
    const id = Number(first.args.id);
    return { id, status: (await this.proposal(id)).status, hash };
  }

  async vote(id: number, support: boolean): Promise<{ status: ProposalStatus; hash: Hash }> {
    const { hash } = await this.write('vote', [BigInt(id), support]);
    return { status: (await this.proposal(id)).status, hash };
  }

  async execute(id: number): Promise<Hash> {
    return (await this.write('execute', [BigInt(id)])).hash;
  }

  async expire(id: number): Promise<Hash> {
    return (await this.write('expire', [BigInt(id)])).hash;
  }
}
