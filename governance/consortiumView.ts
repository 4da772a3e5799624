// One snapshot of the consortium as a member sees it: members, proposals, the contract's
// validators, the signer set the chain enforces (clique_getSigners on Clique,
// qbft_getValidatorsByBlockNumber on Besu QBFT) and this node's pending clique votes.
import { createPublicClient, getAddress, http, type Address } from 'viem';
import { CliqueRpc } from './cliqueRpc.js';
import type { GovernanceClient, MemberView, ProposalView, ValidatorChange, ValidatorView } from './governanceClient.js';

export interface ConsortiumView {
  governance: Address;
  members: MemberView[];
  majority: number;
  /** the proposals asked for (open ones, or a page of the newest) */
  proposals: ProposalView[];
  /** proposals ever made */
  proposalTotal: number;
  validators: ValidatorView[];
  changes: ValidatorChange[];
  /** the signer set in force on the chain, or undefined when the node exposes neither API */
  signers?: Address[];
  signerSource?: 'clique' | 'qbft';
  /** this node's open clique votes (Clique only) */
  nodeVotes?: Map<Address, boolean>;
}

async function qbftValidators(rpcUrl: string): Promise<Address[]> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const list = (await client.request({ method: 'qbft_getValidatorsByBlockNumber' as never, params: ['latest'] as never })) as string[];
  return list.map((a) => getAddress(a));
}

/** Which proposals a view holds: the open ones, or a page of the newest (see GovernanceClient.proposals). */
export type ProposalSelection = { open: true } | { limit: number; offset?: number };

export async function readConsortiumView(
  governance: GovernanceClient,
  rpcUrl: string,
  selection: ProposalSelection = { open: true },
): Promise<ConsortiumView> {
  const proposalsOf = async (): Promise<{ proposals: ProposalView[]; total: number }> =>
    'open' in selection
      ? { proposals: await governance.openProposals(), total: await governance.proposalCount() }
      : governance.proposals({ limit: selection.limit, offset: selection.offset ?? 0 });
  const [members, majority, { proposals, total }, validators, changes] = await Promise.all([
    governance.members(),
    governance.majority(),
    proposalsOf(),
    governance.validators(),
    governance.validatorChanges(),
  ]);
  const view: ConsortiumView = { governance: governance.address, members, majority, proposals, proposalTotal: total, validators, changes };
  const set = await chainSignerSet(rpcUrl);
  if (set) {
    view.signers = set.signers;
    view.signerSource = set.source;
    if (set.nodeVotes) view.nodeVotes = set.nodeVotes;
  }
  return view;
}

/** The signer set the chain enforces and which consensus API gave it; undefined when the node exposes neither. */
export async function chainSignerSet(
  rpcUrl: string,
): Promise<{ signers: Address[]; source: 'clique' | 'qbft'; nodeVotes?: Map<Address, boolean> } | undefined> {
  const clique = new CliqueRpc(rpcUrl);
  try {
    const signers = await clique.signers();
    return { signers, source: 'clique', nodeVotes: await clique.proposals() };
  } catch {
    try {
      return { signers: await qbftValidators(rpcUrl), source: 'qbft' };
    } catch {
      return undefined; // neither API enabled on this node: tables say so
    }
  }
}

/** Per decided validator change: is it in force on the chain yet? */
export function changeProgress(view: ConsortiumView): { change: ValidatorChange; inForce: boolean | undefined; current: boolean }[] {
  const last = new Map<Address, number>();
  view.changes.forEach((c, i) => last.set(getAddress(c.validator), i));
  const signers = view.signers ? new Set(view.signers.map((a) => getAddress(a))) : undefined;
  return view.changes.map((change, i) => ({
    change,
    current: last.get(getAddress(change.validator)) === i,
    inForce: signers === undefined ? undefined : signers.has(getAddress(change.validator)) === change.add,
  }));
}
