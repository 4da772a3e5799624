// Typed access to a deployed governance contract: reads (members, validators, proposals in pages,
// the validator change log, approved releases) and member actions (propose, vote, execute, expire;
// release approval and revocation). Before anything is read or sent, `assertGovernance` checks
// that the address holds the governance contract (code, and its ERC-165 answers), so a wrong
// address fails instead of faking success. Reverts come back as GovernanceRevertError with a
// plain sentence.
import type { Account, Address, Chain, Hash, Hex, PublicClient, Transport, WalletClient } from 'viem';
import { parseEventLogs } from 'viem';
import type { ProbedInterface } from './compile.js';
import { coordinatorAdmissionErrors, explainGovernanceError, GovernanceAddressError } from './governanceErrors.js';
import { GOVERNANCE_INTERFACE_IDS, governanceAbi } from './governanceAbi.js';
import {
  type AddressProposalKind,
  isReleaseKind,
  kindCode,
  kindName,
  type ProposalKind,
  type ProposalStatus,
  type ReleaseProposalKind,
  statusName,
} from './proposalKinds.js';

/** Gas added to every governance transaction so that a vote may also execute its proposal
 * (adding a validator with a long enode, or a coordinator call); unused gas is not charged. */
export const EXECUTION_GAS_HEADROOM = 500_000n;

/** Proposals read per call of getProposals (one eth_call per page). */
export const PROPOSAL_PAGE_SIZE = 50;

const ERC165_ID = '0x01ffc9a7';
const ERC165_INVALID_ID = '0xffffffff';

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
  /** zero address for release kinds and for "unset the coordinator" */
  subject: Address;
  /** sha256 of the release artifact (release kinds only) */
  artifactSha256?: Hex;
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

/** A release hash and the last decision about it. */
export interface ReleaseView {
  artifactSha256: Hex;
  approved: boolean;
  /** release name (approval) or reason (revocation) of the last decision */
  label: string;
  /** proposal of the last decision; undefined if never decided */
  proposalId?: number;
  decidedAt?: Date;
}

export interface ProposalResult {
  id: number;
  status: ProposalStatus;
  hash: Hash;
}

interface ProposalRecord {
  id: bigint;
  kind: number;
  status: number;
  subject: Address;
  artifactSha256: Hex;
  proposer: Address;
  createdAt: bigint;
  deadline: bigint;
  enode: string;
  label: string;
  yes: bigint;
  no: bigint;
}

const ZERO_WORD = `0x${'0'.repeat(64)}`;

function toView(r: ProposalRecord): ProposalView {
  const kind = kindName(r.kind);
  return {
    id: Number(r.id),
    kind,
    status: statusName(r.status),
    subject: r.subject,
    ...(isReleaseKind(kind) && r.artifactSha256 !== ZERO_WORD ? { artifactSha256: r.artifactSha256 } : {}),
    proposer: r.proposer,
    createdAt: new Date(Number(r.createdAt) * 1000),
    deadline: new Date(Number(r.deadline) * 1000),
    enode: r.enode,
    label: r.label,
    yes: Number(r.yes),
    no: Number(r.no),
  };
}

/** A sha256 as the contract takes it: 0x + 64 lowercase hex digits (accepts it without 0x). */
export function normalizeSha256(value: string, what = 'sha256'): Hex {
  const hex = value.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${what} must be 64 hex digits (a sha256), got "${value}"`);
  if (/^0+$/.test(hex)) throw new Error(`${what} is all zeros, not the hash of an artifact`);
  return `0x${hex.toLowerCase()}`;
}

export class GovernanceClient {
  private readonly verified = new Set<ProbedInterface>();

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

  /**
   * Throws GovernanceAddressError unless the address holds code that answers ERC-165 as the
   * governance contract does: yes for ERC-165 and for `iface`, no for 0xffffffff (a fallback that
   * returns true for everything fails that). Checked once per client and interface.
   */
  async assertGovernance(iface: ProbedInterface = 'consortiumGovernance'): Promise<void> {
    if (this.verified.has(iface)) return;
    const code = await this.publicClient.getCode({ address: this.address });
    if (code === undefined || code === '0x') {
      throw new GovernanceAddressError(this.address, 'there is no contract at this address on this chain (an account, or a typo?)');
    }
    const supports = async (id: Hex): Promise<boolean | undefined> => {
      try {
        return (await this.read<boolean>('supportsInterface', [id])) === true;
      } catch {
        return undefined;
      }
    };
    const [erc165, invalid, wanted] = await Promise.all([supports(ERC165_ID), supports(ERC165_INVALID_ID), supports(GOVERNANCE_INTERFACE_IDS[iface])]);
    if (erc165 !== true || invalid !== false || wanted !== true) {
      const what = iface === 'releaseRegistry' ? 'release registry' : 'governance';
      throw new GovernanceAddressError(
        this.address,
        `the contract there is not derchain's ${what} contract (ERC-165 interface ${GOVERNANCE_INTERFACE_IDS[iface]} not supported); check --governance`,
      );
    }
    this.verified.add(iface);
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

  async votingPeriodSeconds(): Promise<number> {
    return Number(await this.read<bigint>('votingPeriod'));
  }

  async majority(): Promise<number> {
    return Number(await this.read<bigint>('majority'));
  }

  async proposalCount(): Promise<number> {
    return Number(await this.read<bigint>('proposalCount'));
  }

  async proposal(id: number): Promise<ProposalView> {
    try {
      return toView(await this.read<ProposalRecord>('getProposal', [BigInt(id)]));
    } catch (err) {
      throw explainGovernanceError(err);
    }
  }

  /** The given proposals, one eth_call per PROPOSAL_PAGE_SIZE ids. */
  async proposalsById(ids: readonly number[]): Promise<ProposalView[]> {
    const out: ProposalView[] = [];
    for (let i = 0; i < ids.length; i += PROPOSAL_PAGE_SIZE) {
      const page = ids.slice(i, i + PROPOSAL_PAGE_SIZE).map((id) => BigInt(id));
      try {
        const records = await this.read<readonly ProposalRecord[]>('getProposals', [page]);
        out.push(...records.map(toView));
      } catch (err) {
        throw explainGovernanceError(err);
      }
    }
    return out;
  }

  /**
   * A page of proposals, newest first: `limit` proposals starting `offset` back from the newest
   * (offset 0 = the newest). Reading every proposal ever made is `limit: Infinity`.
   */
  async proposals(page: { limit?: number; offset?: number; status?: ProposalStatus } = {}): Promise<{ proposals: ProposalView[]; total: number }> {
    const total = await this.proposalCount();
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.max(0, Math.min(page.limit ?? Number.POSITIVE_INFINITY, total - offset));
    const ids = Array.from({ length: Math.max(0, limit) }, (_, i) => total - 1 - offset - i);
    const list = await this.proposalsById(ids);
    return { proposals: page.status === undefined ? list : list.filter((p) => p.status === page.status), total };
  }

  /** Every proposal in the contract's open set, oldest first: open ones, and ones past their deadline not yet recorded as expired. */
  async openSet(): Promise<ProposalView[]> {
    const ids = (await this.read<readonly bigint[]>('openProposalIds')).map(Number).sort((a, b) => a - b);
    return this.proposalsById(ids);
  }

  /** Proposals still open (not executed, rejected or expired), oldest first. */
  async openProposals(): Promise<ProposalView[]> {
    return (await this.openSet()).filter((p) => p.status === 'open');
  }

  /** Ids of proposals past their deadline not yet recorded as expired (anyone may call `expire`). */
  async expiredUnrecorded(): Promise<number[]> {
    return (await this.openSet()).filter((p) => p.status === 'expired').map((p) => p.id);
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

  // ---- releases ----

  /** True while the consortium's approval of this artifact hash is in force. */
  async isReleaseApproved(artifactSha256: Hex): Promise<boolean> {
    return this.read<boolean>('isReleaseApproved', [normalizeSha256(artifactSha256)]);
  }

  /** A hash and the last decision about it. */
  async releaseInfo(artifactSha256: Hex): Promise<ReleaseView> {
    const hash = normalizeSha256(artifactSha256);
    const [approved, label, proposalId, decidedAt] = await this.read<readonly [boolean, string, bigint, bigint]>('releaseInfo', [hash]);
    return {
      artifactSha256: hash,
      approved,
      label,
      ...(decidedAt > 0n ? { proposalId: Number(proposalId), decidedAt: new Date(Number(decidedAt) * 1000) } : {}),
    };
  }

  /** Every currently approved release hash, with its approval. */
  async approvedReleases(): Promise<ReleaseView[]> {
    const hashes = await this.read<readonly Hex[]>('approvedReleases');
    return Promise.all(hashes.map((h) => this.releaseInfo(h)));
  }

  /** Opens a release proposal (counting the proposer's yes): approve an artifact hash, or revoke an approved one. */
  async proposeRelease(kind: ReleaseProposalKind, artifactSha256: Hex, label = ''): Promise<ProposalResult> {
    const hash = normalizeSha256(artifactSha256);
    const fn = kind === 'approve-release' ? 'proposeReleaseApproval' : 'proposeReleaseRevocation';
    return this.opened(await this.write(fn, [hash, label]));
  }

  /** A vote on a release proposal; refuses an id that is not a release proposal. */
  async voteRelease(id: number, support: boolean): Promise<{ status: ProposalStatus; hash: Hash }> {
    await this.requireRelease(id);
    return this.vote(id, support);
  }

  /** Executes a release proposal that has a majority; refuses an id that is not a release proposal. */
  async executeRelease(id: number): Promise<Hash> {
    await this.requireRelease(id);
    return this.execute(id);
  }

  private async requireRelease(id: number): Promise<void> {
    const p = await this.proposal(id);
    if (!isReleaseKind(p.kind)) throw new Error(`proposal #${id} is a ${p.kind} proposal, not a release proposal (use derchain validators)`);
  }

  // ---- actions ----

  /** Simulates (so a revert surfaces with its reason), sends, and waits for the receipt. */
  private async write(functionName: string, args: readonly unknown[]): Promise<{ hash: Hash; logs: readonly unknown[] }> {
    const wallet = this.walletClient;
    if (!wallet) throw new Error('governance: this action needs a member key (--key-file or DERCHAIN_MEMBER_KEY)');
    await this.assertGovernance();
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

  private async opened({ hash, logs }: { hash: Hash; logs: readonly unknown[] }): Promise<ProposalResult> {
    const created = parseEventLogs({ abi: governanceAbi, eventName: 'ProposalCreated', logs: logs as never });
    const first = created[0];
    if (!first) throw new Error(`governance: no ProposalCreated event in ${hash}`);
    const id = Number(first.args.id);
    return { id, status: (await this.proposal(id)).status, hash };
  }

  /** Opens a proposal about an address (counting the proposer's yes); returns its id and the resulting status. */
  async propose(kind: AddressProposalKind, subject: Address, details: ProposalDetails = {}): Promise<ProposalResult> {
    if (isReleaseKind(kind as ProposalKind)) throw new Error(`${kind} carries an artifact hash: use proposeRelease`);
    return this.opened(await this.write('propose', [kindCode(kind), subject, details.enode ?? '', details.label ?? '']));
  }

  async vote(id: number, support: boolean): Promise<{ status: ProposalStatus; hash: Hash }> {
    const { hash } = await this.write('vote', [BigInt(id), support]);
    return { status: (await this.proposal(id)).status, hash };
  }

  /** Takes the admitter role the administered coordinator has proposed to this contract (two-step hand-over). */
  async acceptCoordinatorAdmitter(): Promise<Hash> {
    return (await this.write('acceptCoordinatorAdmitter', [])).hash;
  }

  async execute(id: number): Promise<Hash> {
    return (await this.write('execute', [BigInt(id)])).hash;
  }

  async expire(id: number): Promise<Hash> {
    return (await this.write('expire', [BigInt(id)])).hash;
  }
}
