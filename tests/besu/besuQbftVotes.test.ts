// Besu 26.8.0 QBFT with its validator in the genesis extraData (header-based validator votes): the
// validator bridge turns the governance contract's decisions into qbft_proposeValidatorVote, adding
// a member node as a second validator (it proposes blocks) and removing it again. A small network
// (one validator, one member) keeps it quick; the four-validator QBFT network is besuQbft.test.ts.
import assert from 'node:assert/strict';
import { getAddress } from 'viem';
import { blockNumberOf, connectNode, rpcCall, waitFor } from '../../chain/rpc.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { InProcessBridge, startBesuTestNet, type BesuTestNet } from './besuNetwork.js';

describe('Besu 26.8.0 QBFT, validators in the genesis: the bridge casts qbft_proposeValidatorVote', function () {
  this.timeout(1_200_000);
  let t: BesuTestNet;
  before(async () => {
    t = await startBesuTestNet({ consensus: 'qbft', validators: 1, members: 1, seed: 'besu-qbft-votes' });
  });
  after(async () => {
    await t?.stop();
  });

  const validatorsAt = async (url: string) => (await rpcCall<string[]>(url, 'qbft_getValidatorsByBlockNumber', ['latest'])).map((a) => getAddress(a));
  const proposerOf = async (url: string, n: number) => getAddress((await rpcCall<{ miner: string }>(url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])).miner);

  it('a governance majority adds the member node as a validator through the bridges, it proposes, then it is removed', async () => {
    const { net } = t;
    const v0 = net.nodes[0]!;
    const joiner = net.nodes.find((n) => n.role === 'member')!;
    const second = getAddress(joiner.address);
    const conns = await Promise.all(net.fundedKeysHex.slice(0, 4).map((k) => connectNode(v0.rpcUrl, k)));
    const governance = await deployGovernance(conns[0]!.publicClient, conns[0]!.walletClient!, {
      members: conns.map((c, i) => ({ address: c.walletClient!.account.address, name: `Member ${i}` })),
      validators: [{ address: getAddress(v0.address), enode: v0.enode, label: 'v0' }],
      votingPeriodSeconds: 3600,
    });
    const members = conns.map((c) => new GovernanceClient(c.publicClient, governance, c.walletClient));
    const bridges = [new InProcessBridge(v0.rpcUrl, governance), new InProcessBridge(joiner.rpcUrl, governance)];
    try {
      const { id } = await members[0]!.propose('add-validator', second, { enode: joiner.enode, label: 'm0 (joining)' });
      await members[1]!.vote(id, true);
      assert.equal((await members[2]!.vote(id, true)).status, 'executed');
      await waitFor('the second validator in force', 120_000, async () => ((await validatorsAt(v0.rpcUrl)).includes(second) ? true : undefined), 500);
      const cast = bridges[0]!.events('vote-cast');
      assert.equal(bridges[0]!.events('bridge-start')[0]?.consensus, 'qbft');
      assert.deepEqual(cast.map((l) => [l.validator, l.authorize, l.msg?.startsWith('qbft_proposeValidatorVote(')]), [[second, true, true]]);
      const inForceAt = await blockNumberOf(v0.rpcUrl);
      await waitFor('a block proposed by the second validator', 120_000, async () => {
        const head = await blockNumberOf(v0.rpcUrl);
        for (let n = inForceAt + 1; n <= head; n++) if ((await proposerOf(v0.rpcUrl, n)) === second) return true;
        return undefined;
      }, 1000);
      await waitFor('the bridge to discard its vote once in force', 60_000, async () => (bridges[0]!.events('vote-discarded').some((l) => l.reason === 'in-force') ? true : undefined), 500);

      // two validators: removing one takes both votes (more than half)
      const removal = await members[3]!.propose('remove-validator', second);
      await members[0]!.vote(removal.id, true);
      assert.equal((await members[1]!.vote(removal.id, true)).status, 'executed');
      await waitFor('the second validator voted out', 180_000, async () => ((await validatorsAt(v0.rpcUrl)).includes(second) ? undefined : true), 500);
      assert.deepEqual(await validatorsAt(v0.rpcUrl), [getAddress(v0.address)]);
      const removedAt = await blockNumberOf(v0.rpcUrl);
      await waitFor('3 more blocks', 60_000, async () => ((await blockNumberOf(v0.rpcUrl)) >= removedAt + 3 ? true : undefined), 500);
      for (let n = removedAt + 1; n <= removedAt + 3; n++) assert.equal(await proposerOf(v0.rpcUrl, n), getAddress(v0.address));
    } finally {
      await Promise.all(bridges.map((b) => b.stop()));
    }
  });
});
