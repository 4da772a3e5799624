// `derchain validators` and `derchain releases` in-process against anvil: the defects of the
// second hostile pass (issue 14, items 14-18) stay fixed, and the release commands work end to end.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { addressOf, enodeUrl, nodeIdOf, randomPrivateKey } from '../../network-config/keys.js';
import { encodeAbiParameters, getAddress, keccak256, stringToHex, padHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { register as registerReleases } from '../../cli/commands/releases.js';
import { register as registerValidators } from '../../cli/commands/validators.js';
import { register as registerBridge } from '../../cli/commands/validatorBridge.js';
import { deployPoolCoordinator } from '../../contracts/deployPoolCoordinator.js';
import { poolCoordinatorAbi } from '../../contracts/poolCoordinatorAbi.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { runCli } from './cliInProcess.js';
import { freePort, startAnvil, type AnvilChain } from './anvilChain.js';

const randomAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address;
const ENODE = `enode://${'ab'.repeat(64)}@127.0.0.1:30303`;

describe('cli: derchain validators / releases (anvil, in-process)', function () {
  this.timeout(120000);
  let chain: AnvilChain;
  let governance: Address;
  let members: Address[];
  let dir: string;
  const validators = (args: string[], member = 0) => runCli(registerValidators, ['validators', ...args, '--rpc', chain.rpcUrl], { DERCHAIN_MEMBER_KEY: chain.keys[member] });
  const releases = (args: string[], member = 0) => runCli(registerReleases, ['releases', ...args, '--rpc', chain.rpcUrl], { DERCHAIN_MEMBER_KEY: chain.keys[member] });

  before(async () => {
    chain = await startAnvil(4);
    dir = mkdtempSync(join(tmpdir(), 'derchain-gov-cli-'));
    members = chain.accounts.slice(0, 3).map((c) => c.walletClient!.account.address);
    const d = chain.accounts[0]!;
    governance = await deployGovernance(d.publicClient, d.walletClient!, {
      members: members.map((a, i) => ({ address: a, name: `Org ${i}` })),
      validators: [{ address: randomAddress(), enode: ENODE, label: 'v0' }],
      votingPeriodSeconds: 3600,
    });
  });
  after(async () => {
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys with repeated --member and --validator flags (item 14: crashed with "o.validator.map is not a function")', async () => {
    const [v1, v2] = [randomAddress(), randomAddress()];
    const r = await validators([
      'deploy',
      '--member', `${members[0]}=Utility A`,
      '--member', `${members[1]}=Coop = B`,
      '--validator', `${v1}=north@${ENODE}`,
      '--validator', v2,
      '--voting-period', '3600',
      '--json',
    ]);
    assert.equal(r.exitCode, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { governance: Address };
    const g = new GovernanceClient(chain.accounts[0]!.publicClient, out.governance);
    assert.deepEqual((await g.validators()).map((v) => [v.address, v.label, v.enode]), [[v1, 'north', ENODE], [v2, '', '']]);
    assert.deepEqual((await g.members()).map((m) => m.name), ['Utility A', 'Coop = B']);
  });

  it('refuses an account or a foreign contract as --governance before sending anything (item 15)', async () => {
    const eoa = chain.accounts[3]!.walletClient!.account.address;
    const yesToAll = randomAddress(); // answers 32 bytes of 1 to any call (a "fallback" that says yes)
    await chain.setCode(yesToAll, '0x600160005260206000f3');
    const silent = randomAddress(); // a contract whose fallback returns nothing
    await chain.setCode(silent, '0x00');
    const nonce = () => chain.accounts[0]!.publicClient.getTransactionCount({ address: members[0]! });
    const before = await nonce();
    for (const [target, reason] of [
      [eoa, /no contract at this address/],
      [yesToAll, /not derchain's governance contract/],
      [silent, /not derchain's governance contract/],
    ] as const) {
      for (const args of [['execute', '0'], ['expire', '0'], ['vote', '0'], ['list']]) {
        const r = await validators([...args, '--governance', target]);
        assert.equal(r.exitCode, 2, `${args[0]} on ${target}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, reason);
        assert.doesNotMatch(r.stdout, /executed|marked expired|voted/);
      }
      assert.equal((await releases(['vote', '0', '--governance', target])).exitCode, 2);
      const bridge = await runCli(registerBridge, ['validator-bridge', '--rpc', chain.rpcUrl, '--governance', target]);
      assert.equal(bridge.exitCode, 2, 'the bridge started on a wrong address');
      assert.match(bridge.stderr, reason);
    }
    const wrongCoordinator = await validators(['deploy', '--member', `${members[0]}=A`, '--validator', randomAddress(), '--coordinator', eoa]);
    assert.equal(wrongCoordinator.exitCode, 2);
    assert.match(wrongCoordinator.stderr, /is not a coordinator contract/);
    assert.equal(await nonce(), before, 'a transaction was sent');
  });

  it('refuses a mixed-case address with a broken EIP-55 checksum (item 16)', async () => {
    const good = randomAddress();
    const i = good.slice(2).search(/[a-fA-F]/) + 2;
    const flipped = good.slice(0, i) + (good[i] === good[i]!.toUpperCase() ? good[i]!.toLowerCase() : good[i]!.toUpperCase()) + good.slice(i + 1);
    const r = await validators(['propose-add', '--signer', flipped, '--enode', ENODE, '--governance', governance]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /EIP-55 checksum/);
    const g = new GovernanceClient(chain.accounts[0]!.publicClient, governance);
    assert.equal(await g.proposalCount(), 0, 'a proposal was opened');
    // all-lowercase carries no checksum and is accepted as typed
    const lower = await validators(['propose-add', '--signer', good.toLowerCase(), '--enode', ENODE, '--no-node-check', '--governance', governance, '--json']);
    assert.equal(lower.exitCode, 0, lower.stderr);
    assert.equal((JSON.parse(lower.stdout) as { subject: string }).subject, getAddress(good));
  });

  it('checks a proposed validator: its enode must answer and hold the signer key; reports live/dead and the quorum (item 16)', async () => {
    const servers: Server[] = [];
    const listen = async (): Promise<number> => {
      const server = createServer((socket) => socket.destroy());
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    };
    const node = (port: number) => {
      const key = randomPrivateKey();
      return { address: getAddress(addressOf(key)), enode: enodeUrl(nodeIdOf(key), '127.0.0.1', port), label: `node ${port}` };
    };
    try {
      const deadPort = await freePort();
      const set = [node(await listen()), node(await listen()), node(deadPort)];
      const d = chain.accounts[0]!;
      const gov = await deployGovernance(d.publicClient, d.walletClient!, {
        members: members.map((a, i) => ({ address: a, name: `Org ${i}` })),
        validators: set,
        votingPeriodSeconds: 3600,
      });
      const g = new GovernanceClient(d.publicClient, gov);
      const dead = node(deadPort);
      const r = await validators(['propose-add', '--signer', dead.address, '--enode', dead.enode, '--governance', gov]);
      assert.equal(r.exitCode, 2, r.stderr);
      assert.match(r.stderr, /enode does not answer/);
      assert.match(r.stderr, /validators after this change: 4; enodes live 2, dead 2/);
      assert.match(r.stderr, /Clique needs 3 of 4 online .* live now 2: AT RISK/);
      const other = node(deadPort);
      const mismatch = await validators(['propose-add', '--signer', other.address, '--enode', dead.enode, '--governance', gov]);
      assert.equal(mismatch.exitCode, 2);
      assert.match(mismatch.stderr, new RegExp(`node key belongs to ${dead.address}, not to --signer ${other.address}`));
      const missing = await validators(['propose-add', '--signer', dead.address, '--governance', gov]);
      assert.equal(missing.exitCode, 2);
      assert.match(missing.stderr, /--enode is required/);
      assert.equal(await g.proposalCount(), 0, 'a refused check sent a proposal');

      const live = node(await listen());
      const ok = await validators(['propose-add', '--signer', live.address, '--enode', live.enode, '--label', 'fourth', '--governance', gov]);
      assert.equal(ok.exitCode, 0, ok.stderr);
      assert.match(ok.stderr, /enodes live 3, dead 1/);
      assert.match(ok.stderr, /Clique needs 3 of 4 online .* live now 3: ok/);
      assert.match(ok.stdout, /proposal #0 \(add-validator/);
      // a member voting on it sees the same report
      const vote = await validators(['vote', '0', '--governance', gov], 1);
      assert.equal(vote.exitCode, 0, vote.stderr);
      assert.match(vote.stderr, /enodes live 3, dead 1/);
      // forced through without the check: proposed, with the warning
      const forced = await validators(['propose-add', '--signer', dead.address, '--enode', dead.enode, '--no-node-check', '--governance', gov]);
      assert.equal(forced.exitCode, 0, forced.stderr);
      assert.match(forced.stderr, /WARNING: after this change too few validators answer/);
    } finally {
      for (const s of servers) s.close();
    }
  });

  it('refuses control characters in labels on input, and escapes them in chain text on output (item 17)', async () => {
    for (const evil of ['\u001b[2K\u001b[1Aerased', 'title\u001b]0;pwned\u0007', 'c1\u009b31m']) {
      const r = await validators(['propose-add', '--signer', randomAddress(), '--label', evil, '--governance', governance]);
      assert.equal(r.exitCode, 2, r.stdout);
      assert.match(r.stderr, /control character/);
    }
    // text written around the checks (here: straight into storage) is shown escaped
    const name = 'Org\u001b]0;owned\u0007\u009b2J';
    const bytes = stringToHex(name);
    const length = (bytes.length - 2) / 2;
    assert.ok(length < 32);
    const slot = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [members[2]!, 2n]));
    const value = `0x${bytes.slice(2).padEnd(62, '0')}${(length * 2).toString(16).padStart(2, '0')}` as Hex;
    await chain.setStorageAt(governance, slot, padHex(value, { size: 32 }));
    const table = await validators(['list', '--governance', governance]);
    assert.equal(table.exitCode, 0, table.stderr);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(table.stdout), 'raw control characters reached the terminal');
    assert.match(table.stdout, /Org\\u\{1b\}\]0;owned\\u\{7\}\\u\{9b\}2J/);
    const json = await validators(['list', '--governance', governance, '--json']);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(json.stdout));
    assert.equal((JSON.parse(json.stdout) as { members: { name: string }[] }).members[2]!.name, name, 'JSON keeps the text, escaped');
  });

  it('refuses an empty or malformed proposal id instead of reading it as 0 (item 18)', async () => {
    for (const id of ['', ' ', '1e3', '-1', '0x1']) {
      const r = await validators(['vote', id, '--governance', governance]);
      assert.equal(r.exitCode, 2, `id "${id}"`);
      assert.match(r.stderr, /proposal id must be a non-negative whole number/);
    }
  });

  it('refuses a voting period outside 1 s .. 366 days at deploy (item 18)', async () => {
    for (const period of ['18446744073709551615', '10000000000000', '0', '']) {
      const r = await validators(['deploy', '--member', `${members[0]}=A`, '--validator', randomAddress(), '--voting-period', period]);
      assert.equal(r.exitCode, 2, `period ${period}`);
      assert.match(r.stderr, /--voting-period must be whole seconds/);
    }
  });

  it('approves a release artifact through the CLI: propose-approve, vote, list, status', async () => {
    const file = join(dir, 'agent-1.0.0.tar.gz');
    writeFileSync(file, 'agent build 1.0.0');
    const hash = `0x${createHash('sha256').update('agent build 1.0.0').digest('hex')}`;
    const proposed = await releases(['propose-approve', '--artifact', file, '--label', 'agent 1.0.0', '--governance', governance, '--json']);
    assert.equal(proposed.exitCode, 0, proposed.stderr);
    const { id, artifactSha256 } = JSON.parse(proposed.stdout) as { id: number; artifactSha256: string };
    assert.equal(artifactSha256, hash);
    const pending = await releases(['list', '--governance', governance]);
    assert.match(pending.stdout, /Approved releases \(0\)/);
    assert.match(pending.stdout, /Open release proposals \(1; 2 yes votes decide\)/);
    const vote = await releases(['vote', String(id), '--governance', governance], 1);
    assert.equal(vote.exitCode, 0, vote.stderr);
    assert.match(vote.stdout, new RegExp(`release proposal #${id}: now executed`));
    const list = await releases(['list', '--governance', governance, '--json']);
    assert.deepEqual((JSON.parse(list.stdout) as { approved: { artifactSha256: string; label: string }[] }).approved.map((r) => [r.artifactSha256, r.label]), [[hash, 'agent 1.0.0']]);
    const status = await releases(['status', '--sha256', hash.slice(2), '--governance', governance]);
    assert.match(status.stdout, new RegExp(`${hash}: APPROVED \\(last decision: proposal #${id} at`));
    const both = await releases(['status', '--sha256', hash, '--artifact', file, '--governance', governance]);
    assert.equal(both.exitCode, 2);
    const notRelease = await validators(['propose', '--kind', 'approve-release', '--subject', randomAddress(), '--governance', governance]);
    assert.equal(notRelease.exitCode, 2);
    assert.match(notRelease.stderr, /releases: derchain releases/);
  });

  it('pages `status` (newest 20 by default) instead of reading every proposal (item 18)', async () => {
    const g = new GovernanceClient(chain.accounts[0]!.publicClient, governance, chain.accounts[0]!.walletClient);
    while ((await g.proposalCount()) < 25) await g.propose('add-validator', randomAddress(), { label: 'filler' });
    const total = await g.proposalCount();
    const page = await validators(['status', '--governance', governance]);
    assert.equal(page.exitCode, 0, page.stderr);
    assert.match(page.stdout, new RegExp(`Proposals \\(20 of ${total}, newest first: #${total - 1} back to #${total - 20}\\) \\(older: --offset 20, or --all\\)`));
    const older = await validators(['status', '--offset', '20', '--governance', governance, '--json']);
    assert.deepEqual((JSON.parse(older.stdout) as { proposals: { id: number }[] }).proposals.map((p) => p.id), Array.from({ length: total - 20 }, (_, i) => total - 21 - i));
    const list = await validators(['list', '--governance', governance, '--json']);
    const open = (JSON.parse(list.stdout) as { openProposals: { id: number; status: string }[] }).openProposals;
    assert.ok(open.length >= 20 && open.every((p) => p.status === 'open'));
    // past the deadline: no longer open, and `list` names them for `expire`
    await chain.increaseTime(3601);
    const later = await validators(['list', '--governance', governance]);
    assert.match(later.stdout, /Open proposals \(0\)/);
    assert.match(later.stdout, new RegExp(`Past their deadline, not yet recorded .*#${total - 1}`));
  });

  it('accept-admitter: explains a missing offer (exit 1), then takes the pool coordinator\'s admitter role once offered', async () => {
    const d = chain.accounts[0]!;
    const coordinator = (await deployPoolCoordinator(d.publicClient, d.walletClient!)).address;
    const g = new GovernanceClient(d.publicClient, governance, d.walletClient);
    const id = (await g.propose('set-coordinator', coordinator)).id;
    await new GovernanceClient(d.publicClient, governance, chain.accounts[1]!.walletClient).vote(id, true);
    assert.equal((await g.proposal(id)).status, 'executed');
    const before = await validators(['accept-admitter', '--governance', governance]);
    assert.equal(before.exitCode, 1);
    assert.match(before.stderr, /has not proposed this governance contract as its admitter/);
    const hash = await d.walletClient!.writeContract({ address: coordinator, abi: poolCoordinatorAbi, functionName: 'proposeAdmitter', args: [governance] });
    await d.publicClient.waitForTransactionReceipt({ hash });
    const r = await validators(['accept-admitter', '--governance', governance, '--json'], 2);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { coordinator: Address }).coordinator, getAddress(coordinator));
    assert.equal(await d.publicClient.readContract({ address: coordinator, abi: poolCoordinatorAbi, functionName: 'admitter' }), getAddress(governance));
  });
});
