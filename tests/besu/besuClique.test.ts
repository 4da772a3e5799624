// A real four-validator Besu 26.2.0 Clique network (plus one member node), run from the files
// `derchain network generate` writes (only /opt/derchain paths rewritten), on loopback: every
// validator seals in turn; Prometheus metrics and `devnet status` answer; the pilot runs over it
// with one validator stopped mid-round and restarted; the validator bridges add the member node
// as a fifth validator by a governance majority (it seals) and remove it again. One network
// serves the whole file. Needs the Besu build (npm run setup:test).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { getAddress, type Address, type Hex } from 'viem';
import { blockNumberOf, connectNode, nodesAgreeOnBlock, rpcCall, waitFor } from '../../chain/rpc.js';
import { CliqueRpc } from '../../governance/cliqueRpc.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { sortSigners } from '../../network-config/extraData.js';
import { register as registerDevnet } from '../../cli/commands/devnet.js';
import { runCli } from '../governance/cliInProcess.js';
import { InProcessBridge, pilotWithValidatorOutage, startBesuTestNet, type BesuTestNet } from './besuNetwork.js';


describe('Besu 26.2.0 Clique: four validators from the generated files', function () {
  this.timeout(1_200_000);
  let t: BesuTestNet;
  before(async () => {
    t = await startBesuTestNet({ consensus: 'clique', validators: 4, members: 1, seed: 'besu-clique-test' });
  });
  after(async () => {
    await t?.stop();
  });

  it('runs the generated files: config.toml untouched but for paths, genesis and chain id served, Besu 26.2.0, loopback only, metrics', async () => {
    const { net, dir } = t;
    const nodeDir = join(dir, 'network', 'nodes', 'v0');
    const generated = readFileSync(join(nodeDir, 'config.toml'), 'utf8');
    const used = readFileSync(join(nodeDir, 'devnet-config.toml'), 'utf8');
    assert.equal(used, generated.replaceAll('"/opt/derchain/', `"${nodeDir}/`));
    const cfg = parse(used) as Record<string, unknown>;
    assert.equal(cfg['p2p-interface'], '127.0.0.1');
    assert.equal(cfg['rpc-http-host'], '127.0.0.1');
    assert.equal(cfg['discovery-enabled'], false);
    const genesis = JSON.parse(readFileSync(join(dir, 'network', 'besu', 'genesis.json'), 'utf8')) as { extraData: Hex; config: { chainId: number } };
    for (const n of net.nodes) {
      assert.match(n.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(await rpcCall<string>(n.rpcUrl, 'web3_clientVersion'), /^besu\/v26\.2\.0\//);
      assert.equal(Number(BigInt(await rpcCall<string>(n.rpcUrl, 'eth_chainId'))), genesis.config.chainId);
      assert.equal((await rpcCall<{ extraData: Hex }>(n.rpcUrl, 'eth_getBlockByNumber', ['0x0', false])).extraData, genesis.extraData);
    }
    const signers = await rpcCall<string[]>(net.rpcUrls[0]!, 'clique_getSigners', []);
    assert.deepEqual(signers.map((s) => s.toLowerCase()), sortSigners(net.signers));
    const metrics = await (await fetch(net.nodes[0]!.metricsUrl!)).text();
    assert.match(metrics, /^# TYPE \S+ /m);
    assert.match(metrics, /ethereum_blockchain_height \d+/);
  });

  it('every validator seals in turn (difficulty 2 exactly when in turn), read from the seals', async () => {
    const { net } = t;
    const clique = new CliqueRpc(net.rpcUrls[0]!);
    const from = (await blockNumberOf(net.rpcUrls[0]!)) + 1;
    const sorted = sortSigners(net.signers);
    const sealers = new Map<string, number>();
    // Out-of-turn sealers may win a block now and then, so one validator can miss a short window:
    // read blocks until all four have sealed (at most 40 blocks), checking every block's difficulty.
    for (let b = from; b < from + 40 && sealers.size < 4; b++) {
      await waitFor(`block ${b + 2}`, 120_000, async () => ((await blockNumberOf(net.rpcUrls[0]!)) >= b + 2 ? true : undefined), 250); // two blocks deep: a head block can still be replaced
      const block = await rpcCall<{ difficulty: Hex }>(net.rpcUrls[0]!, 'eth_getBlockByNumber', [`0x${b.toString(16)}`, false]);
      const sealer = (await clique.sealerOf(BigInt(b))).toLowerCase();
      assert.ok(sorted.includes(sealer as Hex), `block ${b} sealed by ${sealer}, not a validator`);
      assert.equal(Number(BigInt(block.difficulty)), sorted[b % sorted.length] === sealer ? 2 : 1, `block ${b}: difficulty 2 exactly when in turn`);
      sealers.set(sealer, (sealers.get(sealer) ?? 0) + 1);
    }
    assert.equal(sealers.size, 4, `sealers from block ${from}: ${JSON.stringify([...sealers])}`);
  });

  it('`derchain devnet status` shows client and version, height, peers and the validator set', async () => {
    type Status = { client: string; consensus: string; nodes: { name: string; running: boolean; clientVersion?: string; blockNumber?: number; peers?: number; validators?: string[] }[] };
    // the nodes are up and agree on the chain, but peering goes on for a while: read the status
    // until every node reports at least 3 peers (bounded), then check all of it
    let st: Status | undefined;
    await waitFor('every node with 3 peers in devnet status', 60_000, async () => {
      const json = await runCli(registerDevnet, ['devnet', 'status', '--dir', t.dir, '--json']);
      assert.equal(json.exitCode, 0, json.stderr);
      st = JSON.parse(json.stdout) as Status;
      return st.nodes.every((n) => (n.peers ?? 0) >= 3) ? true : undefined;
    }, 1000).catch(() => undefined);
    assert.ok(st !== undefined);
    assert.equal(st.client, 'besu');
    assert.equal(st.consensus, 'clique');
    assert.equal(st.nodes.length, 5);
    for (const n of st.nodes) {
      assert.equal(n.running, true, n.name);
      assert.match(n.clientVersion ?? '', /^besu\/v26\.2\.0/);
      assert.ok((n.blockNumber ?? 0) > 0 && (n.peers ?? 0) >= 3, `${n.name}: block ${n.blockNumber}, ${n.peers} peers`);
      assert.deepEqual(n.validators?.map((a) => a.toLowerCase()), sortSigners(t.net.signers));
    }
    const table = await runCli(registerDevnet, ['devnet', 'status', '--dir', t.dir]);
    assert.equal(table.exitCode, 0, table.stderr);
    assert.match(table.stdout, /chain \d+, besu clique/);
    assert.equal(table.stdout.match(/besu\/v26\.2\.0/g)?.length, 5);
    assert.match(table.stdout, /validator set \(4, clique_getSigners\)/);
  });

  it('the pool pilot (N = 10, T = 24) runs over it (matchesInMemory); a validator stopped mid-round and restarted catches up', async () => {
    const { net } = t;
    const r = await pilotWithValidatorOutage(net);
    console.log(`      pool pilot on Besu Clique: ${r.result.iterations} iterations, last block ${r.result.blocks}, ${r.result.seconds.toFixed(1)} s on chain`);
    assert.equal(r.result.converged, true, `round status ${r.result.status}; pilot warnings:\n${r.warnings}`);
    assert.deepEqual(r.result.replay.mismatches, []);
    assert.equal(r.result.matchesInMemory, true, r.result.inMemoryMismatch);
    assert.equal(r.stoppedAt, 1);
    assert.ok(r.restartedAt > 1 && r.restartedAt <= r.result.iterations, `restarted after iteration ${r.restartedAt} of ${r.result.iterations}`);
    assert.equal(r.downUntilRestart, true);
    assert.ok(r.headAtRestart > r.headAtStop, `three validators sealed ${r.headAtRestart - r.headAtStop} blocks during the outage`);
    const head = await blockNumberOf(net.rpcUrls[0]!);
    await waitFor(`restarted validator to reach block ${head}`, 120_000, async () => ((await blockNumberOf(net.rpcUrls[3]!)) >= head ? true : undefined), 500);
    await waitFor(`restarted validator and node 0 to agree on block ${head}`, 30_000, () => nodesAgreeOnBlock([net.rpcUrls[3]!, net.rpcUrls[0]!], head), 500);
  });

  it('a transaction sent to one node is sealed by the others too, with the base fee below Besu\'s default min-gas-price (1000 wei)', async () => {
    const { net } = t;
    const url = net.rpcUrls[3]!; // v3 serves no pilot agent
    // empty blocks lower the London base fee by 1/8 each: from 1 gwei it passes 1000 wei near block 104
    await waitFor('a base fee below 1000 wei', 240_000, async () => {
      const b = await rpcCall<{ baseFeePerGas: Hex }>(url, 'eth_getBlockByNumber', ['latest', false]);
      return BigInt(b.baseFeePerGas) < 1000n ? true : undefined;
    }, 1000);
    const { publicClient, walletClient } = await connectNode(url, net.fundedKeysHex[3]!);
    const clique = new CliqueRpc(url);
    const sealers: Address[] = [];
    for (let k = 0; k < 3; k++) {
      const hash = await walletClient!.sendTransaction({ to: walletClient!.account.address, value: 1n });
      const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 60_000 });
      sealers.push(await clique.sealerOf(receipt.blockNumber));
    }
    // the node's own sealer only, with Besu's default min-gas-price: its peers refuse the relayed transaction
    assert.ok(sealers.some((s) => s !== getAddress(net.signers[3]!)), `all three sealed by v3 itself: ${sealers.join(', ')}`);
  });

  it('governance adds the member node as a fifth validator through the bridges (it seals), then removes it', async () => {
    const { net } = t;
    const joiner = net.nodes.find((n) => n.role === 'member')!;
    const fifth = getAddress(joiner.address) as Address;
    const conns = await Promise.all(net.fundedKeysHex.slice(0, 4).map((k, i) => connectNode(net.rpcUrls[i]!, k)));
    const governance = await deployGovernance(conns[0]!.publicClient, conns[0]!.walletClient!, {
      members: conns.map((c, i) => ({ address: c.walletClient!.account.address, name: `Member ${i}` })),
      validators: net.signers.map((s, i) => ({ address: getAddress(s), enode: net.enodes[i]!, label: `v${i}` })),
      votingPeriodSeconds: 3600,
    });
    const members = conns.map((c) => new GovernanceClient(c.publicClient, governance, c.walletClient));
    const clique = net.rpcUrls.map((u) => new CliqueRpc(u));
    const signersOf = async (i = 0) => (await clique[i]!.signers()).map((a) => getAddress(a));
    // a vote is sent once every node holds the proposal two blocks deep: Clique's out-of-turn
    // sealers can replace the head block, and a vote mined on a branch without the proposal reverts
    const onEveryNode = async (id: number) => {
      const at = await blockNumberOf(net.rpcUrls[0]!);
      await waitFor(`proposal #${id} on every node, two blocks deep`, 60_000, async () => {
        const heads = await Promise.all(net.rpcUrls.slice(0, 4).map((u) => blockNumberOf(u)));
        if (heads.some((h) => h < at + 2)) return undefined;
        await Promise.all(members.map((m) => m.proposal(id)));
        return true;
      }, 250);
    };
    const bridges = net.rpcUrls.map((u) => new InProcessBridge(u, governance));
    try {
      const { id } = await members[0]!.propose('add-validator', fifth, { enode: joiner.enode, label: 'm0 (joining)' });
      await onEveryNode(id);
      await members[1]!.vote(id, true);
      assert.equal((await members[2]!.vote(id, true)).status, 'executed');
      await waitFor('the fifth signer in force', 120_000, async () => ((await signersOf()).includes(fifth) ? true : undefined), 500);
      const inForceAt = await blockNumberOf(net.rpcUrls[0]!);
      const sealed = await waitFor('a block sealed by the fifth validator', 120_000, async () => {
        const head = await blockNumberOf(net.rpcUrls[0]!);
        for (let n = inForceAt + 1; n <= head; n++) if ((await clique[0]!.sealerOf(BigInt(n))) === fifth) return n;
        return undefined;
      }, 1000);
      assert.ok(sealed > inForceAt);
      // Besu answered the votes (clique_propose -> true) and every bridge discarded its vote once in force
      assert.ok(bridges.every((b) => b.events('bridge-start')[0]?.consensus === 'clique'));
      assert.ok(bridges.filter((b) => b.events('vote-cast').length === 1).length >= 3, 'at least three bridges voted once');
      await waitFor('all votes discarded', 60_000, async () => ((await Promise.all(clique.map((c) => c.proposals()))).every((v) => v.size === 0) ? true : undefined), 500);

      const removal = await members[3]!.propose('remove-validator', fifth);
      await onEveryNode(removal.id);
      await members[0]!.vote(removal.id, true);
      assert.equal((await members[1]!.vote(removal.id, true)).status, 'executed');
      await waitFor('the fifth signer voted out', 120_000, async () => ((await signersOf()).includes(fifth) ? undefined : true), 500);
      const removedAt = await blockNumberOf(net.rpcUrls[0]!);
      await waitFor('5 more blocks', 60_000, async () => ((await blockNumberOf(net.rpcUrls[0]!)) >= removedAt + 5 ? true : undefined), 500);
      for (let n = removedAt + 1; n <= removedAt + 5; n++) assert.notEqual(await clique[0]!.sealerOf(BigInt(n)), fifth);
      assert.equal((await signersOf()).length, 4);
    } finally {
      await Promise.all(bridges.map((b) => b.stop()));
    }
  });
});
