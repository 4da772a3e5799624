// A real four-validator Clique network (geth 1.13.15) on loopback, started from the generated files:
// every validator seals in turn (difficulty 2), the chain passes height 20; one validator stopped,
// blocks and transactions keep coming from the other three; restarted, it catches up and seals again;
// split into two pairs that cannot reach each other (each pair stalls after its own blocks) and
// rejoined, the four converge on one chain again (by fork choice, or the stall watchdog's rewind).
// Needs geth 1.13.x (DERCHAIN_GETH, PATH, or ~/go/bin); fails with install instructions otherwise.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, defineChain, http, parseEther, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';
import { startDevnet, type Devnet } from '../../network-config/devnet.js';
import { sortSigners } from '../../network-config/extraData.js';
import { assertCliqueCapableGeth, findGeth } from '../../network-config/gethBinary.js';
import { blockNumberOf, nodesAgreeOnBlock, rpcCall, sleep, waitFor } from '../../chain/rpc.js';

interface RpcBlock {
  number: Hex;
  hash: Hex;
  difficulty: Hex;
  extraData: Hex;
}

describe('Clique devnet: four geth validators on loopback', function () {
  this.timeout(240_000);
  let dir = '';
  let net: Devnet;

  before(async () => {
    const geth = findGeth(); // throws "geth not found ... install it with ..." when missing
    assertCliqueCapableGeth(geth);
    dir = mkdtempSync(join(tmpdir(), 'derchain-devnet-'));
    net = await startDevnet({ dir, validators: 4, periodSeconds: 1, basePort: await freeDevnetBasePort(4), seed: 'devnet-test', geth });
  });

  after(async () => {
    if (net) await net.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the generated chain: chain id, genesis extraData with the four signers, RPC on 127.0.0.1', async () => {
    assert.equal(net.rpcUrls.length, 4);
    for (const u of net.rpcUrls) assert.match(u, /^http:\/\/127\.0\.0\.1:\d+$/);
    const gethGenesis = JSON.parse(readFileSync(join(dir, 'network', 'geth', 'genesis.json'), 'utf8')) as { extraData: Hex; config: { chainId: number } };
    for (const u of net.rpcUrls) {
      assert.equal(Number(BigInt(await rpcCall<string>(u, 'eth_chainId'))), gethGenesis.config.chainId);
      const g = await rpcCall<RpcBlock>(u, 'eth_getBlockByNumber', ['0x0', false]);
      assert.equal(g.extraData, gethGenesis.extraData);
    }
    const signers = await rpcCall<string[]>(net.rpcUrls[0], 'clique_getSigners', ['latest']);
    assert.deepEqual(signers.map((s) => s.toLowerCase()), sortSigners(net.signers));
    // keys on disk are owner-only
    assert.equal(statSync(join(dir, 'network', 'nodes', 'v0', 'keys', 'nodekey')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'keys', 'funded-keys.json')).mode & 0o777, 0o600);
  });

  it('all four validators seal in turn (difficulty 2) and the chain passes height 20', async () => {
    const sorted = sortSigners(net.signers);
    const inTurnBy = new Map<string, number>();
    // Read from block 1 to at least 21, and on (up to block 60) until all four have sealed in turn.
    // Once one out-of-turn block lands, the next in-turn sealer is often one that signed recently
    // and may not sign, so runs of out-of-turn blocks are normal Clique behaviour: the test asserts
    // the rules (difficulty, the recent-signer limit), not a share of in-turn blocks.
    const recentLimit = Math.floor(sorted.length / 2) + 1;
    const sealers: string[] = [];
    let head = 0;
    for (let b = 1; b <= 60; b++) {
      if (b > 21 && inTurnBy.size === 4) break;
      // two blocks deep: a head block can still be replaced by an in-turn competitor
      await waitFor(`height ${b + 2}`, 90_000, async () => ((await blockNumberOf(net.rpcUrls[0])) >= b + 2 ? true : undefined), 250);
      head = b;
      const block = await rpcCall<RpcBlock>(net.rpcUrls[0], 'eth_getBlockByNumber', [`0x${b.toString(16)}`, false]);
      const signer = (await rpcCall<string>(net.rpcUrls[0], 'clique_getSigner', [block.number])).toLowerCase();
      assert.ok(sorted.includes(signer as Hex), `block ${b} sealed by ${signer}, not a validator`);
      const inTurn = sorted[b % sorted.length] === signer;
      assert.equal(Number(BigInt(block.difficulty)), inTurn ? 2 : 1, `block ${b}: difficulty must be 2 exactly when in turn`);
      // a signer may seal at most one block in any run of floor(N/2)+1 consecutive blocks
      const window = sealers.slice(-(recentLimit - 1));
      assert.ok(!window.includes(signer), `block ${b}: ${signer} sealed again within ${recentLimit} blocks (${window.join(', ')})`);
      sealers.push(signer);
      if (inTurn) inTurnBy.set(signer, (inTurnBy.get(signer) ?? 0) + 1);
    }
    assert.equal(inTurnBy.size, 4, `in-turn sealers by block ${head}: ${JSON.stringify([...inTurnBy])}`);
    // every node has the same chain (a node may import block 20 a moment after node 0)
    await waitFor('all four nodes to agree on block 20', 30_000, () => nodesAgreeOnBlock(net.rpcUrls, 20), 500);
  });

  it('with one validator stopped, blocks and transactions continue; restarted, it catches up and seals again', async () => {
    const chain = defineChain({
      id: net.chainId,
      name: 'derchain-devnet',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [net.rpcUrls[0]] } },
    });
    const account = privateKeyToAccount(net.fundedKeyHex);
    const wallet = createWalletClient({ account, chain, transport: http(net.rpcUrls[0]) });
    const reader = createPublicClient({ chain, transport: http(net.rpcUrls[1]) });
    const stopped = 3;
    const stoppedSigner = net.signers[stopped].toLowerCase();

    await net.stopNode(stopped);
    assert.equal(net.isRunning(stopped), false);
    const atStop = await blockNumberOf(net.rpcUrls[0]);
    const to = '0x000000000000000000000000000000000000dEaD';
    for (let k = 0; k < 3; k++) {
      const hash = await wallet.sendTransaction({ to, value: parseEther('1') });
      const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 30_000 });
      assert.equal(receipt.status, 'success');
    }
    assert.equal(await reader.getBalance({ address: to }), parseEther('3'));
    const afterTx = await waitFor('8 more blocks with 3 of 4 signers', 60_000, async () => {
      const h = await blockNumberOf(net.rpcUrls[0]);
      return h >= atStop + 8 ? h : undefined;
    }, 500);
    for (let b = atStop + 2; b <= afterTx; b++) {
      const s = (await rpcCall<string>(net.rpcUrls[0], 'clique_getSigner', [`0x${b.toString(16)}`])).toLowerCase();
      assert.notEqual(s, stoppedSigner, `stopped validator cannot have sealed block ${b}`);
    }

    await net.startNode(stopped);
    const target = await blockNumberOf(net.rpcUrls[0]);
    await waitFor(`restarted node to reach ${target}`, 60_000, async () => ((await blockNumberOf(net.rpcUrls[stopped])) >= target ? true : undefined), 500);
    // the head block can still be replaced by an in-turn competitor: wait until both hold the same one
    await waitFor(`restarted node and node 0 to agree on block ${target}`, 30_000, () => nodesAgreeOnBlock([net.rpcUrls[stopped], net.rpcUrls[0]], target), 500);
    // and it takes part in sealing again
    await waitFor('the restarted validator to seal a block', 60_000, async () => {
      const h = await blockNumberOf(net.rpcUrls[0]);
      for (let b = target + 1; b <= h; b++) {
        const s = (await rpcCall<string>(net.rpcUrls[0], 'clique_getSigner', [`0x${b.toString(16)}`])).toLowerCase();
        if (s === stoppedSigner) return true;
      }
      return undefined;
    }, 1000);
  });

  it('split into two pairs and rejoined, the validators converge on one chain again', async () => {
    const u = net.rpcUrls;
    const e = net.enodes;
    const across: [number, number][] = [[0, 2], [0, 3], [1, 2], [1, 3]];
    const cut = async (a: number, b: number) => {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        await rpcCall(u[x], 'admin_removeTrustedPeer', [e[y]]);
        await rpcCall(u[x], 'admin_removePeer', [e[y]]);
      }
    };
    for (const [a, b] of across) await cut(a, b);
    // a dial already under way when a peer is removed can connect it again: cut until it holds
    const idOf = (enode: string) => enode.slice('enode://'.length, 'enode://'.length + 128);
    let seen = '';
    await waitFor('the pairs to lose each other', 20_000, async () => {
      const peers = await Promise.all(u.map((x) => rpcCall<{ enode: string }[]>(x, 'admin_peers')));
      const ids = peers.map((p) => p.map((q) => e.map(idOf).indexOf(idOf(q.enode))));
      seen = JSON.stringify(ids);
      const still = across.filter(([a, b]) => ids[a]!.includes(b) || ids[b]!.includes(a));
      for (const [a, b] of still) await cut(a, b);
      return still.length === 0 ? true : undefined;
    }, 250).catch((err: Error) => {
      throw new Error(`${err.message}; peers by node: ${seen}`);
    });
    await sleep(6000); // each pair seals what Clique lets two of four signers seal, then stalls
    for (const [a, b] of across) {
      await rpcCall(u[a], 'admin_addTrustedPeer', [e[b]]);
      await rpcCall(u[b], 'admin_addTrustedPeer', [e[a]]);
      await rpcCall(u[a], 'admin_addPeer', [e[b]]);
    }
    const top = Math.max(...(await Promise.all(u.map(blockNumberOf))));
    await waitFor(`all four to agree on block ${top + 3}`, 120_000, () => nodesAgreeOnBlock(u, top + 3), 500);
  });
});
