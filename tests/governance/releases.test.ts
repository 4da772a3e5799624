// Release approval in Governance.sol on anvil: a majority approves or revokes an artifact sha256,
// the registry views (isReleaseApproved, approvedReleases, releaseInfo) follow, a minority cannot,
// and impossible or duplicate release proposals are refused with typed errors.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseEventLogs, type Hex } from 'viem';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { GOVERNANCE_INTERFACE_IDS, governanceAbi } from '../../governance/governanceAbi.js';
import { GovernanceRevertError } from '../../governance/governanceErrors.js';
import { startAnvil, type AnvilChain } from './anvilChain.js';

const sha = (text: string): Hex => `0x${createHash('sha256').update(text).digest('hex')}`;

async function rejects(promise: Promise<unknown>, errorName: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof GovernanceRevertError, `expected GovernanceRevertError, got ${String(err)}`);
    assert.equal(err.errorName, errorName);
    return true;
  });
}

describe('governance: release approval (anvil)', function () {
  this.timeout(60000);
  let chain: AnvilChain;
  let g: GovernanceClient[]; // 0..3 members

  before(async () => {
    chain = await startAnvil(4);
  });
  after(async () => chain?.stop());
  beforeEach(async () => {
    const d = chain.accounts[0]!;
    const address = await deployGovernance(d.publicClient, d.walletClient!, {
      members: chain.accounts.map((c, i) => ({ address: c.walletClient!.account.address, name: `Org ${i}` })),
      validators: [{ address: chain.accounts[0]!.walletClient!.account.address, enode: '', label: 'v0' }],
      votingPeriodSeconds: 3600,
    });
    g = chain.accounts.map((c) => new GovernanceClient(c.publicClient, address, c.walletClient));
  });

  it('approves an artifact hash by majority (3 of 4), lists it, and revokes it by majority', async () => {
    const hash = sha('agent-1.4.2.tar.gz');
    const { id, status } = await g[0]!.proposeRelease('approve-release', hash, 'agent 1.4.2');
    assert.equal(status, 'open');
    assert.equal(await g[0]!.isReleaseApproved(hash), false);
    await g[1]!.voteRelease(id, true);
    assert.equal(await g[0]!.isReleaseApproved(hash), false, 'approved without a majority');
    assert.equal((await g[2]!.voteRelease(id, true)).status, 'executed');
    assert.equal(await g[3]!.isReleaseApproved(hash), true);
    const listed = await g[3]!.approvedReleases();
    assert.deepEqual(listed.map((r) => [r.artifactSha256, r.label, r.proposalId, r.approved]), [[hash, 'agent 1.4.2', id, true]]);
    const p = await g[0]!.proposal(id);
    assert.equal(p.kind, 'approve-release');
    assert.equal(p.artifactSha256, hash);

    const other = sha('agent-1.5.0.tar.gz');
    const second = await g[1]!.proposeRelease('approve-release', other, 'agent 1.5.0');
    await g[2]!.voteRelease(second.id, true);
    await g[3]!.voteRelease(second.id, true);
    assert.deepEqual((await g[0]!.approvedReleases()).map((r) => r.artifactSha256).sort(), [hash, other].sort());

    const revoke = await g[2]!.proposeRelease('revoke-release', hash, 'crashes on LoRa class C');
    await g[0]!.voteRelease(revoke.id, true);
    assert.equal((await g[1]!.voteRelease(revoke.id, true)).status, 'executed');
    assert.equal(await g[0]!.isReleaseApproved(hash), false);
    assert.deepEqual((await g[0]!.approvedReleases()).map((r) => r.artifactSha256), [other]);
    const info = await g[0]!.releaseInfo(hash);
    assert.deepEqual([info.approved, info.label, info.proposalId], [false, 'crashes on LoRa class C', revoke.id]);
    // the trail: ReleaseApproved twice, ReleaseRevoked once
    const logs = await g[0]!.publicClient.getLogs({ address: g[0]!.address, fromBlock: 0n });
    const names = parseEventLogs({ abi: governanceAbi, logs }).map((l) => l.eventName);
    assert.equal(names.filter((n) => n === 'ReleaseApproved').length, 2);
    assert.equal(names.filter((n) => n === 'ReleaseRevoked').length, 1);
    assert.equal(names.filter((n) => n === 'ReleaseProposalCreated').length, 3);
  });

  it('a minority cannot approve: 2 yes and 2 no reject the proposal', async () => {
    const hash = sha('minority');
    const { id } = await g[0]!.proposeRelease('approve-release', hash, 'm');
    await g[1]!.voteRelease(id, true);
    await g[2]!.voteRelease(id, false);
    assert.equal((await g[3]!.voteRelease(id, false)).status, 'rejected');
    assert.equal(await g[0]!.isReleaseApproved(hash), false);
    await rejects(g[0]!.executeRelease(id), 'ProposalNotOpen');
  });

  it('refuses impossible and duplicate release proposals with typed errors', async () => {
    const hash = sha('dup');
    await rejects(g[0]!.proposeRelease('revoke-release', hash, 'never approved'), 'ReleaseNotApproved');
    const { id } = await g[0]!.proposeRelease('approve-release', hash, 'x');
    await rejects(g[1]!.proposeRelease('approve-release', hash, 'again'), 'SubjectHasOpenProposal');
    await g[1]!.voteRelease(id, true);
    await g[2]!.voteRelease(id, true);
    await rejects(g[1]!.proposeRelease('approve-release', hash, 'again'), 'ReleaseAlreadyApproved');
    // the zero hash, and a release kind through the address-subject propose(), reach the contract only raw
    const raw = async (functionName: 'proposeReleaseApproval' | 'propose', args: readonly unknown[]) =>
      g[0]!.publicClient.simulateContract({ address: g[0]!.address, abi: governanceAbi, functionName, args: args as never, account: g[0]!.walletClient!.account });
    await assert.rejects(raw('proposeReleaseApproval', [`0x${'0'.repeat(64)}`, 'zero']), /ZeroReleaseHash/);
    await assert.rejects(raw('propose', [7, g[0]!.address, '', '']), /ReleaseKindNeedsHash/);
    await assert.rejects(g[0]!.proposeRelease('approve-release', `0x${'0'.repeat(64)}`), /all zeros/);
  });

  it('keeps release votes apart from validator votes, and answers ERC-165 for the registry interface', async () => {
    const other = chain.accounts[1]!.walletClient!.account.address;
    const { id } = await g[0]!.propose('add-validator', other, { label: 'v1' });
    await assert.rejects(g[1]!.voteRelease(id, true), /is a add-validator proposal, not a release proposal/);
    await g[0]!.assertGovernance('releaseRegistry');
    const supports = (hex: Hex) =>
      g[0]!.publicClient.readContract({ address: g[0]!.address, abi: governanceAbi, functionName: 'supportsInterface', args: [hex] });
    assert.equal(await supports(GOVERNANCE_INTERFACE_IDS.releaseRegistry), true);
    assert.equal(await supports(GOVERNANCE_INTERFACE_IDS.consortiumGovernance), true);
    assert.equal(await supports('0xffffffff'), false);
  });
});
