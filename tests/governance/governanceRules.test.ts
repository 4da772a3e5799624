// Governance.sol's rules beyond the majority (issue 14, items 17-18), on anvil: one open proposal
// per subject, a removed member's ballots stay void when it is added again, a bounded voting
// period, coordinator checks and unsetting, and printable bounded text.
import assert from 'node:assert/strict';
import { encodeDeployData, encodeErrorResult, getAddress, parseAbi, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { deployCoordinator } from '../../contracts/deployCoordinator.js';
import { deployPoolCoordinator } from '../../contracts/deployPoolCoordinator.js';
import { poolCoordinatorAbi } from '../../contracts/poolCoordinatorAbi.js';
import { compileGovernance } from '../../governance/compile.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { governanceAbi } from '../../governance/governanceAbi.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { GovernanceRevertError } from '../../governance/governanceErrors.js';
import { startAnvil, type AnvilChain } from './anvilChain.js';

const admitterAbi = parseAbi(['function transferAdmitter(address next)', 'function admitted(address) view returns (bool)']);
const randomAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address;
const ZERO: Address = '0x0000000000000000000000000000000000000000';

async function rejects(promise: Promise<unknown>, errorName: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof GovernanceRevertError, `expected ${errorName}, got ${String(err)}`);
    assert.equal(err.errorName, errorName);
    return true;
  });
}

describe('governance rules (anvil)', function () {
  this.timeout(60000);
  let chain: AnvilChain;
  let g: GovernanceClient[]; // 0..3 members, 4 outsider
  let validators: Address[];
  const period = 3600;
  const addr = (i: number) => chain.accounts[i]!.walletClient!.account.address;
  /** votes yes with members until the proposal is decided */
  const pass = async (id: number, voters = [1, 2, 3]) => {
    for (const v of voters) if ((await g[0]!.proposal(id)).status === 'open') await g[v]!.vote(id, true);
    assert.equal((await g[0]!.proposal(id)).status, 'executed');
  };

  before(async () => {
    chain = await startAnvil(5);
  });
  after(async () => chain?.stop());
  beforeEach(async () => {
    validators = [randomAddress(), randomAddress(), randomAddress()];
    const d = chain.accounts[0]!;
    const address = await deployGovernance(d.publicClient, d.walletClient!, {
      members: [0, 1, 2, 3].map((i) => ({ address: addr(i), name: `Org ${i}` })),
      validators: validators.map((a, i) => ({ address: a, enode: '', label: `v${i}` })),
      votingPeriodSeconds: period,
    });
    g = chain.accounts.map((c) => new GovernanceClient(c.publicClient, address, c.walletClient));
  });

  it('allows one open proposal per subject, so a stale duplicate cannot execute after the opposite decision', async () => {
    const x = validators[0]!;
    const first = await g[0]!.propose('remove-validator', x);
    await rejects(g[1]!.propose('remove-validator', x), 'SubjectHasOpenProposal');
    await pass(first.id);
    const readd = await g[1]!.propose('add-validator', x, { label: 'back' });
    await rejects(g[2]!.propose('add-validator', x), 'SubjectHasOpenProposal');
    await pass(readd.id, [0, 2]);
    assert.ok((await g[0]!.validators()).some((v) => v.address === x), 'the later decision (add) holds');
    // a proposal past its deadline no longer blocks its subject: the new one marks it expired
    const stale = await g[0]!.propose('remove-validator', x);
    await chain.increaseTime(period + 1);
    const fresh = await g[1]!.propose('remove-validator', x);
    assert.equal((await g[0]!.proposal(stale.id)).status, 'expired');
    await rejects(g[2]!.execute(stale.id), 'ProposalNotOpen');
    assert.equal((await g[0]!.proposal(fresh.id)).status, 'open');
  });

  it("voids a removed member's ballots, also when the member is added again", async () => {
    const pending = await g[0]!.propose('add-validator', randomAddress());
    await g[3]!.vote(pending.id, true);
    assert.equal((await g[0]!.proposal(pending.id)).yes, 2);
    const remove = await g[0]!.propose('remove-member', addr(3));
    await pass(remove.id, [1, 2]);
    const readd = await g[0]!.propose('add-member', addr(3), { label: 'Org 3 again' });
    await pass(readd.id, [1, 2]);
    const p = await g[0]!.proposal(pending.id);
    assert.equal(p.yes, 1, "the re-added member's old yes counted again");
    assert.equal(p.status, 'open');
    // it may vote again; that vote counts
    await g[3]!.vote(pending.id, true);
    assert.equal((await g[0]!.proposal(pending.id)).yes, 2);
  });

  it('refuses a voting period outside [1 s, 366 days] at deployment (2^64-1 used to brick propose)', async () => {
    const { bytecode } = compileGovernance();
    const d = chain.accounts[0]!;
    for (const seconds of [2n ** 64n - 1n, 10n ** 13n, 0n]) {
      const expected = encodeErrorResult({ abi: governanceAbi, errorName: 'VotingPeriodOutOfRange', args: [seconds, 1n, 366n * 86400n] });
      await assert.rejects(
        d.publicClient.call({
          account: d.walletClient!.account,
          data: encodeDeployData({ abi: governanceAbi, bytecode, args: [[addr(0)], ['A'], [], [], [], seconds, ZERO] }),
        }),
        (err: Error & { walk?: (fn: (e: unknown) => boolean) => unknown }) => {
          const raw = err.walk?.((e) => typeof (e as { data?: unknown }).data === 'string') as { data?: string } | undefined;
          assert.equal(raw?.data, expected, `period ${seconds}`);
          return true;
        },
      );
    }
  });

  it('accepts only a contract answering admitted(address) as coordinator, catches a fake, and can unset it', async () => {
    await rejects(g[0]!.propose('set-coordinator', addr(4)), 'NotACoordinator'); // an account
    const silent = randomAddress();
    await chain.setCode(silent, '0x00');
    await rejects(g[0]!.propose('set-coordinator', silent), 'NotACoordinator');
    // a fallback that answers 1 to everything passes the probe, but cannot fake an admission
    const yesToAll = randomAddress();
    await chain.setCode(yesToAll, '0x600160005260206000f3');
    await pass((await g[0]!.propose('set-coordinator', yesToAll)).id);
    await rejects(g[0]!.propose('admit-prosumer', randomAddress()), 'ProsumerAlreadyAdmitted');
    const removal = await g[0]!.propose('remove-prosumer', randomAddress());
    await g[1]!.vote(removal.id, true);
    await rejects(g[2]!.vote(removal.id, true), 'CoordinatorDidNotAct');
    // unset (zero subject), then prosumer proposals are refused
    const { address: real } = await deployCoordinator(chain.accounts[0]!.publicClient, chain.accounts[0]!.walletClient!);
    await pass((await g[0]!.propose('set-coordinator', real)).id);
    await rejects(g[1]!.propose('set-coordinator', real), 'AlreadyCoordinator');
    await pass((await g[0]!.propose('set-coordinator', ZERO)).id);
    assert.equal(await g[0]!.coordinator(), ZERO);
    await rejects(g[0]!.propose('admit-prosumer', randomAddress()), 'NoCoordinator');
  });

  it('marks an open proposal obsolete when it can no longer take effect and a new one on its subject comes', async () => {
    const owner = chain.accounts[0]!;
    const [c1, c2] = [
      (await deployCoordinator(owner.publicClient, owner.walletClient!)).address,
      (await deployCoordinator(owner.publicClient, owner.walletClient!)).address,
    ];
    for (const c of [c1, c2]) {
      const hash = await owner.walletClient!.writeContract({ address: c, abi: admitterAbi, functionName: 'transferAdmitter', args: [g[0]!.address] });
      await owner.publicClient.waitForTransactionReceipt({ hash });
    }
    const prosumer = randomAddress();
    await pass((await g[0]!.propose('set-coordinator', c1)).id);
    await pass((await g[0]!.propose('admit-prosumer', prosumer)).id);
    await pass((await g[0]!.propose('set-coordinator', c2)).id);
    const stuck = await g[0]!.propose('admit-prosumer', prosumer); // open, aimed at c2
    await pass((await g[1]!.propose('set-coordinator', c1)).id, [0, 2, 3]); // back to c1, where it is admitted
    // the open admission can no longer take effect; it does not block its subject until its deadline
    const removal = await g[1]!.propose('remove-prosumer', prosumer);
    assert.equal((await g[0]!.proposal(stuck.id)).status, 'obsolete');
    await pass(removal.id, [0, 2, 3]);
    const admitted = await owner.publicClient.readContract({ address: c1, abi: admitterAbi, functionName: 'admitted', args: [prosumer] });
    assert.equal(admitted, false);
  });

  it("takes a pool coordinator's admitter role in two steps: on executing set-coordinator, or later by anyone's accept-admitter", async () => {
    const owner = chain.accounts[0]!;
    const admitterOf = (c: Address) => owner.publicClient.readContract({ address: c, abi: poolCoordinatorAbi, functionName: 'admitter' });
    const offer = async (c: Address) => {
      const hash = await owner.walletClient!.writeContract({ address: c, abi: poolCoordinatorAbi, functionName: 'proposeAdmitter', args: [g[0]!.address] });
      await owner.publicClient.waitForTransactionReceipt({ hash });
    };
    // offered before the vote: accepted when set-coordinator executes
    const early = (await deployPoolCoordinator(owner.publicClient, owner.walletClient!)).address;
    await offer(early);
    await pass((await g[0]!.propose('set-coordinator', early)).id);
    assert.equal(await admitterOf(early), getAddress(g[0]!.address));
    const prosumer = randomAddress();
    await pass((await g[0]!.propose('admit-prosumer', prosumer)).id);
    assert.equal(await owner.publicClient.readContract({ address: early, abi: poolCoordinatorAbi, functionName: 'admitted', args: [prosumer] }), true);
    // offered after the vote: nothing to accept until the offer comes; then any account may accept it
    const late = (await deployPoolCoordinator(owner.publicClient, owner.walletClient!)).address;
    await pass((await g[1]!.propose('set-coordinator', late)).id, [0, 2, 3]);
    assert.equal(await admitterOf(late), owner.walletClient!.account.address);
    await rejects(g[4]!.acceptCoordinatorAdmitter(), 'NoAdmitterHandover');
    await offer(late);
    await g[4]!.acceptCoordinatorAdmitter();
    assert.equal(await admitterOf(late), getAddress(g[0]!.address));
    // nothing left to accept
    await rejects(g[2]!.acceptCoordinatorAdmitter(), 'NoAdmitterHandover');
  });

  it('refuses control characters and overlong text in labels, names and enodes', async () => {
    await rejects(g[0]!.propose('add-validator', randomAddress(), { label: 'erase\u001b[2K' }), 'ControlCharacter');
    await rejects(g[0]!.propose('add-member', randomAddress(), { label: 'csi\u009b2J' }), 'ControlCharacter');
    await rejects(g[0]!.propose('add-validator', randomAddress(), { enode: `enode://x@h:1\u0007` }), 'ControlCharacter');
    await rejects(g[0]!.propose('add-validator', randomAddress(), { label: 'x'.repeat(101) }), 'TextTooLong');
    const ok = await g[0]!.propose('add-validator', randomAddress(), { label: 'Stadtwerke Süd – Knoten 2' });
    assert.equal((await g[0]!.proposal(ok.id)).label, 'Stadtwerke Süd – Knoten 2');
  });
});
