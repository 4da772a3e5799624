// What a validator bridge must do on its node, derived from chain state alone (so a restarted
// bridge neither loses nor repeats a vote): the governance contract's executed validator changes
// (last one per address wins), the signer set in force, and the votes the node already holds.

import { getAddress, type Address } from 'viem';
import type { ValidatorChange } from './governanceClient.js';

export type BridgeStep =
  /** cast clique_propose(validator, authorize): decided, not in force, not yet voted by this node */
  | { action: 'propose'; validator: Address; authorize: boolean; proposalId: number }
  /** the vote is already cast and the change not yet in force: wait */
  | { action: 'wait'; validator: Address; authorize: boolean; proposalId: number }
  /** clique_discard(validator): the change is in force, or the vote is not backed by a decision */
  | { action: 'discard'; validator: Address; reason: 'in-force' | 'not-decided'; proposalId?: number };

export interface ChainView {
  changes: readonly ValidatorChange[];
  signers: readonly Address[];
  nodeVotes: ReadonlyMap<Address, boolean>;
}

export function planVotes(view: ChainView): BridgeStep[] {
  const desired = new Map<Address, ValidatorChange>();
  for (const change of view.changes) desired.set(getAddress(change.validator), change);
  const signers = new Set(view.signers.map((a) => getAddress(a)));
  const votes = new Map([...view.nodeVotes].map(([a, auth]) => [getAddress(a), auth] as const));
  const steps: BridgeStep[] = [];
  for (const [validator, change] of desired) {
    const inForce = signers.has(validator) === change.add;
    const vote = votes.get(validator);
    if (inForce) {
      if (vote !== undefined) steps.push({ action: 'discard', validator, reason: 'in-force', proposalId: change.proposalId });
    } else if (vote === change.add) {
      steps.push({ action: 'wait', validator, authorize: change.add, proposalId: change.proposalId });
    } else {
      steps.push({ action: 'propose', validator, authorize: change.add, proposalId: change.proposalId });
    }
  }
  for (const validator of votes.keys()) {
    if (!desired.has(validator)) steps.push({ action: 'discard', validator, reason: 'not-decided' });
  }
  return steps;
}
