// Governance.sol on anvil: majority decisions, minority and non-member refusals with clear
// errors, expiry, member changes that move the majority, and the event trail.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getAddress, parseAbi, parseEventLogs, type Address } from 'viem';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { ABI_MODULE_PATH, renderAbiModule } from '../../governance/generateAbiModule.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { GovernanceRevertError } from '../../governance/governanceErrors.js';
import { governanceAbi } from '../../governance/governanceAbi.js';
import { deployCoordinator } from '../../contracts/deployCoordinator.js';
import { startAnvil, type AnvilChain } from './anvilChain.js';

const coordinatorAdmissionAbi = parseAbi([
  'function transferAdmitter(address next)',
  'function admitProsumer(address prosumer)',
  'function admitted(address) view returns (bool)',
  'error NotAdmitter(address caller)',
]);

const randomAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address;

async function rejects(promise: Promise<unknown>, errorName: string, text: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof GovernanceRevertError, `expected GovernanceRevertError, got ${String(err)}`);
    assert.equal(err.errorName, errorName);
    assert.match(err.message, text);
    return true;
  });
}

describe('governance contract (anvil)', function () {
  this.timeout(60000);
  let chain: AnvilChain;
  let clients: GovernanceClient[]; // 0..3 members, 4 = outsider
  let initialValidators: Address[];
  const votingPeriod = 3600;

  before(async () => {
    chain = await startAnvil(6);
  });
  after(async () => {
    await chain?.stop();
  });

  beforeEach(async () => {
    initialValidators = [randomAddress(), randomAddress(), randomAddress(), randomAddress()];
    const deployer = chain.accounts[0]!;
    const address = await deployGovernance(deployer.publicClient, deployer.walletClient!, {
      members: chain.accounts.slice(0, 4).map((c, i) => ({ address: c.walletClient!.account.address, name: `Org ${i}` })),
      validators: initialValidators.map((a, i) => ({ address: a, enode: `enode://${'ab'.repeat(64)}@127.0.0.1:3030${i}`, label: `v${i}` })),
      votingPeriodSeconds: votingPeriod,
    });
    clients = chain.accounts.map((c) => new GovernanceClient(c.publicClient, address, c.walletClient));
  });

  it('keeps the generated ABI module in step with Governance.sol', () => {
    assert.equal(readFileSync(ABI_MODULE_PATH, 'utf8'), renderAbiModule());
  });

  it('starts with the initial members and validators (getValidators for QBFT)', async () => {
    const c = clients[0]!;
    assert.deepEqual((await c.members()).map((m) => m.name), ['Org 0', 'Org 1', 'Org 2', 'Org 3']);
    assert.deepEqual((await c.validators()).map((v) => v.address), initialValidators);
    assert.equal((await c.validators())[2]!.label, 'v2');
    assert.equal(await c.majority(), 3);
  });

  it('adds a validator when a majority (3 of 4) votes yes, and records the change for the bridges', async () => {
    const newcomer = randomAddress();
    const { id, status } = await clients[0]!.propose('add-validator', newcomer, { enode: 'enode://x@127.0.0.1:1', label: 'fifth' });
    assert.equal(status, 'open');
    assert.equal((await clients[1]!.vote(id, true)).status, 'open');
    assert.equal((await clients[0]!.validatorChanges()).length, 0);
    assert.equal((await clients[2]!.vote(id, true)).status, 'executed');
    const validators = await clients[0]!.validators();
    assert.deepEqual(validators.map((v) => v.address), [...initialValidators, newcomer]);
    assert.equal(validators[4]!.label, 'fifth');
    assert.deepEqual(await clients[0]!.validatorChanges(), [{ proposalId: id, validator: newcomer, add: true }]);
    await rejects(clients[3]!.vote(id, true), 'ProposalNotOpen', /proposal #0 is not open \(it is executed\)/);
  });

  it('removes a validator by majority; a minority cannot (2 yes, 2 no rejects)', async () => {
    const target = initialValidators[1]!;
    const first = await clients[0]!.propose('remove-validator', target);
    await clients[1]!.vote(first.id, true);
    await clients[2]!.vote(first.id, false);
    assert.equal((await clients[3]!.vote(first.id, false)).status, 'rejected');
    assert.ok((await clients[0]!.validators()).some((v) => v.address === target), 'minority removed a validator');
    await rejects(clients[0]!.execute(first.id), 'ProposalNotOpen', /not open \(it is rejected\)/);

    const second = await clients[3]!.propose('remove-validator', target);
    await clients[0]!.vote(second.id, true);
    await rejects(clients[0]!.execute(second.id), 'NoMajority', /has 2 yes votes; 3 are needed/);
    await clients[1]!.vote(second.id, true);
    assert.ok(!(await clients[0]!.validators()).some((v) => v.address === target));
    assert.deepEqual(await clients[0]!.validatorChanges(), [{ proposalId: second.id, validator: target, add: false }]);
  });

  it('refuses a non-member with a clear error, and a double vote', async () => {
    const outsider = clients[4]!;
    const { id } = await clients[0]!.propose('add-validator', randomAddress());
    const who = chain.accounts[4]!.walletClient!.account.address;
    await rejects(outsider.vote(id, true), 'NotMember', new RegExp(`${who} is not a member of the consortium`));
    await rejects(outsider.propose('add-validator', randomAddress()), 'NotMember', /is not a member/);
    await rejects(clients[0]!.vote(id, true), 'AlreadyVoted', /has already voted on proposal #0/);
    await rejects(clients[1]!.vote(99, true), 'UnknownProposal', /there is no proposal #99/);
  });

  it('cannot execute an expired proposal; expire() records it', async () => {
    const newcomer = randomAddress();
    const { id } = await clients[0]!.propose('add-validator', newcomer);
    await clients[1]!.vote(id, true);
    await chain.increaseTime(votingPeriod + 1);
    assert.equal((await clients[0]!.proposal(id)).status, 'expired');
    await rejects(clients[2]!.vote(id, true), 'ProposalHasExpired', /proposal #0 expired at/);
    await rejects(clients[2]!.execute(id), 'ProposalHasExpired', /expired/);
    await clients[4]!.expire(id); // anyone may record the expiry
    await rejects(clients[2]!.vote(id, true), 'ProposalNotOpen', /it is expired/);
    assert.ok(!(await clients[0]!.validators()).some((v) => v.address === newcomer));
  });

  it('adds and removes members; a removed member no longer counts and the majority follows', async () => {
    const orgE = chain.accounts[4]!.walletClient!.account.address;
    const add = await clients[0]!.propose('add-member', orgE, { label: 'Org E' });
    await clients[1]!.vote(add.id, true);
    await clients[2]!.vote(add.id, true);
    assert.deepEqual((await clients[0]!.members()).map((m) => m.name), ['Org 0', 'Org 1', 'Org 2', 'Org 3', 'Org E']);
    assert.equal(await clients[0]!.majority(), 3);

    // a pending proposal with 2 yes (Org 0, Org 3) ...
    const pending = await clients[3]!.propose('add-validator', randomAddress());
    await clients[0]!.vote(pending.id, true);
    // ... Org 3 and Org E are removed: 3 members remain, majority 2; Org 3's vote no longer counts
    for (const gone of [chain.accounts[3]!, chain.accounts[4]!]) {
      const p = await clients[1]!.propose('remove-member', gone.walletClient!.account.address);
      await clients[2]!.vote(p.id, true);
      if ((await clients[0]!.proposal(p.id)).status === 'open') await clients[0]!.vote(p.id, true);
      assert.equal((await clients[0]!.proposal(p.id)).status, 'executed');
    }
    assert.deepEqual((await clients[0]!.members()).map((m) => m.name).sort(), ['Org 0', 'Org 1', 'Org 2']);
    assert.equal(await clients[0]!.majority(), 2);
    assert.equal((await clients[0]!.proposal(pending.id)).yes, 1);
    await rejects(clients[3]!.vote(pending.id, true), 'NotMember', /is not a member/);
    await clients[1]!.vote(pending.id, true);
    assert.equal((await clients[0]!.proposal(pending.id)).status, 'executed');
  });

  it('refuses prosumer proposals when no coordinator is administered, and impossible changes', async () => {
    await rejects(clients[0]!.propose('admit-prosumer', randomAddress()), 'NoCoordinator', /administers no coordinator/);
    await rejects(clients[0]!.propose('add-validator', initialValidators[0]!), 'AlreadyValidator', /is already a validator/);
    await rejects(clients[0]!.propose('remove-validator', randomAddress()), 'NotValidator', /is not a validator/);
  });

  it("admits and removes prosumers in the coordinator once it holds the coordinator's admitter role", async () => {
    const owner = chain.accounts[0]!;
    const { address: coordinator } = await deployCoordinator(owner.publicClient, owner.walletClient!);
    const g = clients[0]!;
    const passed = async (id: number) => {
      await clients[1]!.vote(id, true);
      await clients[2]!.vote(id, true);
      return (await g.proposal(id)).status;
    };
    assert.equal(await passed((await g.propose('set-coordinator', coordinator)).id), 'executed');
    assert.equal(await g.coordinator(), getAddress(coordinator));
    const prosumer = randomAddress();
    // before the role is transferred, the coordinator refuses and the deciding vote reverts
    const early = await g.propose('admit-prosumer', prosumer);
    await clients[1]!.vote(early.id, true);
    await rejects(clients[2]!.vote(early.id, true), 'NotAdmitter', /does not hold the admitter role/);
    const transfer = await owner.walletClient!.writeContract({
      address: coordinator,
      abi: coordinatorAdmissionAbi,
      functionName: 'transferAdmitter',
      args: [g.address],
    });
    await owner.publicClient.waitForTransactionReceipt({ hash: transfer });
    const admitted = (who: Address) =>
      owner.publicClient.readContract({ address: coordinator, abi: coordinatorAdmissionAbi, functionName: 'admitted', args: [who] });
    await clients[2]!.vote(early.id, true);
    assert.equal((await g.proposal(early.id)).status, 'executed');
    assert.equal(await admitted(prosumer), true);
    // the former admitter (a single operator) can no longer admit on its own
    await assert.rejects(
      owner.walletClient!.writeContract({ address: coordinator, abi: coordinatorAdmissionAbi, functionName: 'admitProsumer', args: [randomAddress()] }),
      /NotAdmitter/,
    );
    // an admission that cannot take effect is refused when proposed, not when the deciding vote comes
    await rejects(g.propose('admit-prosumer', prosumer), 'ProsumerAlreadyAdmitted', /is already admitted in the coordinator/);
    assert.equal(await passed((await g.propose('remove-prosumer', prosumer)).id), 'executed');
    assert.equal(await admitted(prosumer), false);
  });

  it('emits an event for every step', async () => {
    const newcomer = randomAddress();
    const c = clients[0]!;
    const { id } = await c.propose('add-validator', newcomer, { label: 'n' });
    await clients[1]!.vote(id, true);
    await clients[2]!.vote(id, true);
    const logs = await c.publicClient.getLogs({ address: c.address, fromBlock: 0n });
    const names = parseEventLogs({ abi: governanceAbi, logs }).map((l) => l.eventName);
    assert.deepEqual(names.slice(-6), ['ProposalCreated', 'VoteCast', 'VoteCast', 'VoteCast', 'ProposalExecuted', 'ValidatorAdded']);
    assert.equal(names.filter((n) => n === 'MemberAdded').length, 4);
  });
});
