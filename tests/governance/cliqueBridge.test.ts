// Acceptance on a real four-validator geth 1.13 Clique network (1 s blocks): the consortium adds a
// fifth validator by majority, the validator bridges cast the clique votes, the new node seals;
// then removes it again through the CLI. A bridge killed (SIGKILL) mid-change and restarted
// neither loses nor repeats its vote; a minority decision moves nothing; an expired proposal can
// be neither voted nor executed; `validators list` prints members, open proposals and the signer set.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getAddress, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startDevnet, type Devnet } from '../../network-config/devnet.js';
import { connectNode, waitFor } from '../../chain/rpc.js';
import { CliqueRpc } from '../../governance/cliqueRpc.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { freeBasePort } from './anvilChain.js';
import { BridgeProcess } from './bridgeProcess.js';
import { startJoiningValidator, type JoiningValidator } from './joiningValidator.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'derchain.mjs');
const run = promisify(execFile);

async function cli(args: string[], memberKey?: Hex): Promise<string> {
  const env = { ...process.env, ...(memberKey ? { DERCHAIN_MEMBER_KEY: memberKey } : {}) };
  const { stdout } = await run(process.execPath, [CLI, ...args], { env, timeout: 60_000 });
  return stdout;
}

describe('validator governance on a geth Clique network', function () {
  this.timeout(240_000);
  let dir: string;
  let devnet: Devnet;
  let members: GovernanceClient[];
  let governance: Address;
  let fifth: JoiningValidator;
  const bridges: BridgeProcess[] = [];
  let basePort: number;
  let clique: CliqueRpc[];
  let connections: Awaited<ReturnType<typeof connectNode>>[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-gov-'));
    basePort = await freeBasePort(5);
    devnet = await startDevnet({ dir, validators: 4, periodSeconds: 1, basePort });
    clique = devnet.rpcUrls.map((u) => new CliqueRpc(u));
    const keys = devnet.fundedKeysHex.slice(0, 4);
    connections = await Promise.all(keys.map((k, i) => connectNode(devnet.rpcUrls[i]!, k)));
    governance = await deployGovernance(connections[0]!.publicClient, connections[0]!.walletClient!, {
      members: connections.map((c, i) => ({ address: c.walletClient!.account.address, name: `Utility member ${i}` })),
      validators: devnet.signers.map((s, i) => ({ address: getAddress(s), enode: devnet.enodes[i]!, label: `v${i}` })),
      votingPeriodSeconds: 3600,
    });
    members = connections.map((c) => new GovernanceClient(c.publicClient, governance, c.walletClient));
    fifth = await startJoiningValidator(devnet, basePort + 4, basePort + 104, basePort + 204);
  });

  after(async () => {
    for (const b of bridges) await b.kill('SIGTERM');
    await fifth?.stop();
    await devnet?.stop();
    if (dir && process.env.DERCHAIN_KEEP_DEVNET === undefined) rmSync(dir, { recursive: true, force: true });
  });

  const signersOf = async (i = 0) => (await clique[i]!.signers()).map((a) => getAddress(a));
  // Each member talks to its own node; a proposal created through one node is voted on through
  // another only once that node has imported the block (else: "there is no proposal #id").
  const onEveryNode = (id: number) =>
    waitFor(`proposal #${id} on every node`, 30_000, async () => (await Promise.all(members.map((m) => m.proposal(id))), true), 250);

  it('adds a fifth validator by majority; a bridge killed mid-change neither loses nor repeats its vote; the new node seals', async () => {
    bridges.push(new BridgeProcess(devnet.rpcUrls[0]!, governance), new BridgeProcess(devnet.rpcUrls[1]!, governance));
    bridges.forEach((b) => b.start());
    const { id } = await members[0]!.propose('add-validator', fifth.signer, { enode: fifth.enode, label: 'v4 (joining)' });
    await onEveryNode(id);
    await members[1]!.vote(id, true);
    assert.equal((await members[2]!.vote(id, true)).status, 'executed');

    // bridges 0 and 1 vote: two of the three votes needed with four signers
    await waitFor('bridges 0 and 1 to cast their votes', 30_000, async () => {
      const votes = await Promise.all([0, 1].map((i) => clique[i]!.proposals()));
      return votes.every((v) => v.get(fifth.signer) === true) ? true : undefined;
    });
    await bridges[1]!.kill('SIGKILL');
    const start = await members[0]!.publicClient.getBlockNumber();
    await waitFor('4 more blocks', 20_000, async () => ((await members[0]!.publicClient.getBlockNumber()) >= start + 4n ? true : undefined));
    assert.equal((await signersOf()).length, 4, 'two votes must not be enough');

    const restarted = new BridgeProcess(devnet.rpcUrls[1]!, governance);
    restarted.start();
    bridges.push(restarted);
    await waitFor('the restarted bridge to find its vote', 30_000, async () => (restarted.events('vote-pending').length > 0 ? true : undefined));
    assert.equal(restarted.events('vote-cast').length, 0, 'the restarted bridge repeated its vote');

    for (const i of [2, 3]) {
      const b = new BridgeProcess(devnet.rpcUrls[i]!, governance);
      b.start();
      bridges.push(b);
    }
    await waitFor('the fifth signer to be in force', 60_000, async () => ((await signersOf()).includes(fifth.signer) ? true : undefined));
    // node 3 may import the deciding block a moment after node 0: it must reach the same set
    await waitFor('node 3 to hold the same five signers', 20_000, async () => ((await signersOf(3)).length === 5 ? true : undefined));
    assert.deepEqual(await signersOf(3), await signersOf(0));

    const inForceAt = await members[0]!.publicClient.getBlockNumber();
    const sealedBy = await waitFor('a block sealed by the fifth validator', 60_000, async () => {
      const head = await members[0]!.publicClient.getBlockNumber();
      for (let n = inForceAt; n <= head; n++) if ((await clique[0]!.sealerOf(n)) === fifth.signer) return n;
      return undefined;
    }, 500);
    assert.ok(sealedBy > inForceAt);

    // every bridge discards its vote once in force; the node-1 vote was cast exactly once across both runs
    await waitFor('all votes discarded', 30_000, async () => {
      const votes = await Promise.all(clique.map((c) => c.proposals()));
      return votes.every((v) => v.size === 0) ? true : undefined;
    });
    const node1Casts = [bridges[1]!, restarted].flatMap((b) => b.events('vote-cast')).filter((l) => l.proposalId === id);
    assert.equal(node1Casts.length, 1);
    assert.equal(bridges[0]!.events('vote-cast').length, 1);
    assert.equal(restarted.events('vote-discarded')[0]?.reason, 'in-force');
  });

  it('removes the fifth validator through the CLI; it stops sealing', async () => {
    const memberKeys = devnet.fundedKeysHex.slice(0, 4);
    const out = await cli(['validators', 'propose-remove', '--rpc', devnet.rpcUrls[2]!, '--governance', governance, '--signer', fifth.signer, '--json'], memberKeys[2]);
    const { id } = JSON.parse(out) as { id: number };
    await onEveryNode(id);
    await cli(['validators', 'vote', String(id), '--rpc', devnet.rpcUrls[3]!, '--governance', governance], memberKeys[3]);
    const voted = await cli(['validators', 'vote', String(id), '--rpc', devnet.rpcUrls[0]!, '--governance', governance], memberKeys[0]);
    assert.match(voted, /now executed/);
    await waitFor('the fifth signer to be voted out', 60_000, async () => ((await signersOf()).includes(fifth.signer) ? undefined : true));
    const removedAt = await members[0]!.publicClient.getBlockNumber();
    await waitFor('5 more blocks', 30_000, async () => ((await members[0]!.publicClient.getBlockNumber()) >= removedAt + 5n ? true : undefined));
    for (let n = removedAt + 1n; n <= removedAt + 5n; n++) assert.notEqual(await clique[0]!.sealerOf(n), fifth.signer);
    assert.deepEqual((await members[0]!.validators()).length, 4);
  });

  it('a minority decision moves nothing; a non-member vote reverts with a clear error', async () => {
    const outsiderKey = generatePrivateKey();
    const candidate = privateKeyToAccount(generatePrivateKey()).address;
    const { id } = await members[0]!.propose('add-validator', candidate, { label: 'minority pick' });
    await onEveryNode(id);
    assert.equal((await members[1]!.vote(id, true)).status, 'open'); // 2 yes of 4
    assert.equal((await members[0]!.proposal(id)).status, 'open');
    await assert.rejects(
      cli(['validators', 'vote', String(id), '--rpc', devnet.rpcUrls[0]!, '--governance', governance], outsiderKey),
      (err: { stderr?: string }) => /is not a member of the consortium \(NotMember\)/.test(err.stderr ?? ''),
    );
    const head = await members[0]!.publicClient.getBlockNumber();
    await waitFor('3 more blocks', 20_000, async () => ((await members[0]!.publicClient.getBlockNumber()) >= head + 3n ? true : undefined));
    const votes = await Promise.all(clique.map((c) => c.proposals()));
    assert.ok(votes.every((v) => !v.has(candidate)), 'a bridge voted on an undecided proposal');
    assert.equal((await signersOf()).length, 4);

    const table = await cli(['validators', 'list', '--rpc', devnet.rpcUrls[0]!, '--governance', governance]);
    process.stderr.write(`${table}\n`);
    assert.match(table, /Members \(4; 3 yes votes decide\)/);
    assert.match(table, /Utility member 3/);
    assert.match(table, /Open proposals \(1\)/);
    assert.match(table, new RegExp(`${candidate}.*minority pick`));
    assert.match(table, /Signer set \(4, from clique\)/);
    for (const s of devnet.signers) assert.match(table, new RegExp(getAddress(s)));
    assert.ok(!table.includes(fifth.signer), 'the removed validator is still listed');
  });

  it('an expired proposal can be neither voted nor executed; anyone may record the expiry', async () => {
    // a second governance contract on the same chain, with proposals open for 4 s only
    const short = await deployGovernance(connections[0]!.publicClient, connections[0]!.walletClient!, {
      members: connections.map((c, i) => ({ address: c.walletClient!.account.address, name: `Utility member ${i}` })),
      validators: devnet.signers.map((s, i) => ({ address: getAddress(s), enode: devnet.enodes[i]!, label: `v${i}` })),
      votingPeriodSeconds: 4,
    });
    const clients = connections.map((c) => new GovernanceClient(c.publicClient, short, c.walletClient));
    const candidate = privateKeyToAccount(generatePrivateKey()).address;
    const { id } = await clients[0]!.propose('add-validator', candidate, { label: 'too late' });
    const { deadline } = await clients[0]!.proposal(id);
    // every node's head must be past the deadline: calls are simulated on the latest block
    await waitFor('every node past the deadline', 60_000, async () => {
      const heads = await Promise.all(connections.map((c) => c.publicClient.getBlock()));
      return heads.every((b) => Number(b.timestamp) * 1000 > deadline.getTime()) ? true : undefined;
    }, 500);
    const memberKeys = devnet.fundedKeysHex.slice(0, 4);
    const args = (cmd: string, node: number) => ['validators', cmd, String(id), '--rpc', devnet.rpcUrls[node]!, '--governance', short];
    for (const cmd of ['vote', 'execute']) {
      await assert.rejects(cli(args(cmd, 1), memberKeys[1]), (err: { stderr?: string }) => {
        assert.match(err.stderr ?? '', new RegExp(`proposal #${id} expired at .*\\(ProposalHasExpired\\)`));
        return true;
      });
    }
    assert.equal((await clients[2]!.proposal(id)).status, 'expired');
    assert.match(await cli(args('expire', 2), memberKeys[2]), new RegExp(`proposal #${id} marked expired`));
    await assert.rejects(cli(args('vote', 2), memberKeys[3]), /proposal #\d+ is not open \(it is expired\) \(ProposalNotOpen\)/);
    const votes = await Promise.all(clique.map((c) => c.proposals()));
    assert.ok(votes.every((v) => !v.has(candidate)), 'a clique vote for an expired proposal');
    assert.equal((await signersOf()).length, 4);
  });
});
