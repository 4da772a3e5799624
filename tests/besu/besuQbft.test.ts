// A real four-validator Besu 26.8.0 QBFT network in contract mode (validators from the governance
// contract pre-deployed in the generated genesis), plus one member node, on loopback: every
// validator proposes; the pilot runs over it; a majority vote in the governance contract makes the
// member node a fifth validator with no bridge (Besu reads getValidators()), it proposes blocks,
// and a second vote removes it. One network serves the whole file. Needs the Besu build.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRlp, getAddress, type Address, type Hex } from 'viem';
import { blockNumberOf, connectNode, nodesAgreeOnBlock, rpcCall, waitFor } from '../../chain/rpc.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { pilotWithValidatorOutage, startBesuTestNet, type BesuTestNet } from './besuNetwork.js';

const sorted = (l: readonly string[]) => l.map((a) => getAddress(a)).sort();


describe('Besu 26.8.0 QBFT, contract mode: four validators from the generated genesis', function () {
  this.timeout(1_200_000);
  let t: BesuTestNet;
  let contract: Address;
  before(async () => {
    t = await startBesuTestNet({ consensus: 'qbft', validators: 4, members: 1, validatorSelection: 'contract', seed: 'besu-qbft-test' });
    const genesis = JSON.parse(readFileSync(join(t.dir, 'network', 'besu', 'genesis.json'), 'utf8')) as { extraData: Hex; config: { qbft: { validatorcontractaddress: string } } };
    contract = getAddress(genesis.config.qbft.validatorcontractaddress);
    const [, listed] = fromRlp(genesis.extraData, 'hex') as [Hex, Hex[]];
    assert.deepEqual(listed, [], 'contract mode: the extraData lists no validator');
  });
  after(async () => {
    await t?.stop();
  });

  const validatorsAt = (url: string) => rpcCall<string[]>(url, 'qbft_getValidatorsByBlockNumber', ['latest']);
  const proposerOf = async (url: string, n: number) => getAddress((await rpcCall<{ miner: string }>(url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])).miner);

  it('Besu 26.8.0 takes the validators from the contract, and each of the four proposes blocks', async () => {
    const { net } = t;
    for (const n of net.nodes) assert.match(await rpcCall<string>(n.rpcUrl, 'web3_clientVersion'), /^besu\/v26\.8\.0\//);
    assert.deepEqual(sorted(await validatorsAt(net.rpcUrls[0]!)), sorted(net.signers));
    const from = (await blockNumberOf(net.rpcUrls[0]!)) + 1;
    await waitFor(`block ${from + 7}`, 120_000, async () => ((await blockNumberOf(net.rpcUrls[0]!)) >= from + 7 ? true : undefined), 500);
    const proposers = new Set<string>();
    for (let b = from; b <= from + 7; b++) proposers.add(await proposerOf(net.rpcUrls[0]!, b));
    assert.deepEqual([...proposers].sort(), sorted(net.signers));
    const metrics = await (await fetch(net.nodes[1]!.metricsUrl!)).text();
    assert.match(metrics, /ethereum_blockchain_height \d+/);
  });

  it('the pool pilot (N = 10, T = 24) runs over it (matchesInMemory); a validator stopped mid-round and restarted catches up', async () => {
    const { net } = t;
    const r = await pilotWithValidatorOutage(net);
    console.log(`      pool pilot on Besu QBFT: ${r.result.iterations} iterations, last block ${r.result.blocks}, ${r.result.seconds.toFixed(1)} s on chain`);
    assert.equal(r.result.converged, true, `round status ${r.result.status}; pilot warnings:\n${r.warnings}`);
    assert.deepEqual(r.result.replay.mismatches, []);
    assert.equal(r.result.matchesInMemory, true, r.result.inMemoryMismatch);
    assert.equal(r.downUntilRestart, true);
    assert.ok(r.headAtRestart > r.headAtStop, `three of four validators made ${r.headAtRestart - r.headAtStop} blocks during the outage`);
    const head = await blockNumberOf(net.rpcUrls[0]!);
    await waitFor(`restarted validator to reach block ${head}`, 120_000, async () => ((await blockNumberOf(net.rpcUrls[3]!)) >= head ? true : undefined), 500);
    await waitFor(`restarted validator and node 0 to agree on block ${head}`, 30_000, () => nodesAgreeOnBlock([net.rpcUrls[3]!, net.rpcUrls[0]!], head), 500);
  });

  it('a majority vote in the governance contract adds the member node as a fifth validator (no bridge); it proposes; a second vote removes it', async () => {
    const { net } = t;
    const joiner = net.nodes.find((n) => n.role === 'member')!;
    const fifth = getAddress(joiner.address);
    const conns = await Promise.all(net.fundedKeysHex.slice(0, 4).map((k, i) => connectNode(net.rpcUrls[i]!, k)));
    const members = conns.map((c) => new GovernanceClient(c.publicClient, contract, c.walletClient));
    assert.deepEqual(sorted((await members[0]!.validators()).map((v) => v.address)), sorted(net.signers));

    // a member votes through its own node, which may not have imported a proposal made moments ago
    const onEveryNode = (pid: number) => waitFor(`proposal #${pid} on every node`, 60_000, async () => (await Promise.all(members.map((m) => m.proposal(pid))), true), 250);
    const { id } = await members[0]!.propose('add-validator', fifth, { enode: joiner.enode, label: 'm0 (joining)' });
    await onEveryNode(id);
    await members[1]!.vote(id, true);
    assert.equal((await members[2]!.vote(id, true)).status, 'executed');
    await waitFor('Besu to take the fifth validator from the contract', 60_000, async () => ((await validatorsAt(net.rpcUrls[0]!)).map((a) => getAddress(a)).includes(fifth) ? true : undefined), 500);
    const inForceAt = await blockNumberOf(net.rpcUrls[0]!);
    await waitFor('a block proposed by the fifth validator', 120_000, async () => {
      const head = await blockNumberOf(net.rpcUrls[0]!);
      for (let n = inForceAt + 1; n <= head; n++) if ((await proposerOf(net.rpcUrls[0]!, n)) === fifth) return true;
      return undefined;
    }, 1000);
    assert.deepEqual(sorted(await validatorsAt(joiner.rpcUrl)), sorted([...net.signers, fifth]));

    const removal = await members[3]!.propose('remove-validator', fifth);
    await onEveryNode(removal.id);
    await members[0]!.vote(removal.id, true);
    assert.equal((await members[1]!.vote(removal.id, true)).status, 'executed');
    await waitFor('Besu to drop the fifth validator', 60_000, async () => ((await validatorsAt(net.rpcUrls[0]!)).map((a) => getAddress(a)).includes(fifth) ? undefined : true), 500);
    const removedAt = await blockNumberOf(net.rpcUrls[0]!);
    await waitFor('6 more blocks', 60_000, async () => ((await blockNumberOf(net.rpcUrls[0]!)) >= removedAt + 6 ? true : undefined), 500);
    for (let n = removedAt + 1; n <= removedAt + 6; n++) assert.notEqual(await proposerOf(net.rpcUrls[0]!, n), fifth);
    assert.deepEqual(sorted(await validatorsAt(net.rpcUrls[0]!)), sorted(net.signers));
  });
});
