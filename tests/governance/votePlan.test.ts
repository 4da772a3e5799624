// The bridge's plan from chain state: vote what is decided and not in force, never twice, discard
// once in force or when no decision backs a vote; the last decision on an address wins.
import assert from 'node:assert/strict';
import { getAddress, type Address } from 'viem';
import { planVotes } from '../../governance/votePlan.js';

const A = getAddress('0x1111111111111111111111111111111111111111');
const B = getAddress('0x2222222222222222222222222222222222222222');
const C = getAddress('0x3333333333333333333333333333333333333333');
const X = getAddress('0x9999999999999999999999999999999999999999');
const signers: Address[] = [A, B, C];

describe('validator bridge vote plan', () => {
  it('casts an add vote for a decided validator that is not yet a signer', () => {
    assert.deepEqual(planVotes({ changes: [{ proposalId: 4, validator: X, add: true }], signers, nodeVotes: new Map() }), [
      { action: 'propose', validator: X, authorize: true, proposalId: 4 },
    ]);
  });

  it('does not cast again when the node already holds the vote (restart)', () => {
    const nodeVotes = new Map([[X.toLowerCase() as Address, true]]);
    assert.deepEqual(planVotes({ changes: [{ proposalId: 4, validator: X, add: true }], signers, nodeVotes }), [
      { action: 'wait', validator: X, authorize: true, proposalId: 4 },
    ]);
  });

  it('discards the vote once the change is in force, and does nothing after', () => {
    const changes = [{ proposalId: 4, validator: X, add: true }];
    assert.deepEqual(planVotes({ changes, signers: [...signers, X], nodeVotes: new Map([[X, true]]) }), [
      { action: 'discard', validator: X, reason: 'in-force', proposalId: 4 },
    ]);
    assert.deepEqual(planVotes({ changes, signers: [...signers, X], nodeVotes: new Map() }), []);
  });

  it('follows the last decision: added then removed means a remove vote replacing a stale add vote', () => {
    const changes = [
      { proposalId: 4, validator: X, add: true },
      { proposalId: 7, validator: X, add: false },
    ];
    assert.deepEqual(planVotes({ changes, signers: [...signers, X], nodeVotes: new Map([[X, true]]) }), [
      { action: 'propose', validator: X, authorize: false, proposalId: 7 },
    ]);
    // decided removal of a validator that never made it in: nothing to vote, stale add vote discarded
    assert.deepEqual(planVotes({ changes, signers, nodeVotes: new Map([[X, true]]) }), [
      { action: 'discard', validator: X, reason: 'in-force', proposalId: 7 },
    ]);
  });

  it('discards a vote that no decided proposal backs', () => {
    assert.deepEqual(planVotes({ changes: [], signers, nodeVotes: new Map([[B, false]]) }), [
      { action: 'discard', validator: B, reason: 'not-decided' },
    ]);
  });
});
