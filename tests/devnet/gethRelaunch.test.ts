// A geth Clique devnet whose validators do not come to agree in time is stopped and launched once
// more (here the first launch is given 1 ms to agree, so it always takes the second): a fresh one
// wiped back to its genesis, keeping its keys and files; an existing one on its own chain, never wiped.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockNumberOf, nodesAgreeOnBlock, rpcCall, waitFor } from '../../chain/rpc.js';
import { startDevnet, type Devnet } from '../../network-config/devnet.js';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';
import { assertCliqueCapableGeth, findGeth } from '../../network-config/gethBinary.js';

describe('Clique devnet: relaunch of a network that did not settle', function () {
  this.timeout(300_000);
  let dir = '';
  let net: Devnet | undefined;

  after(async () => {
    if (net) await net.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a fresh chain is wiped back to genesis (keys and files kept) and agrees on the second launch; an existing one is relaunched on its own chain', async () => {
    const geth = findGeth();
    assertCliqueCapableGeth(geth);
    dir = mkdtempSync(join(tmpdir(), 'derchain-relaunch-'));
    net = await startDevnet({ dir, validators: 4, periodSeconds: 1, basePort: await freeDevnetBasePort(4), seed: 'relaunch-test', geth, firstLaunchSettleMs: 1 });
    assert.equal(net.launches, 2);
    // the funded keys written before the first launch are the ones the devnet hands out
    assert.equal((JSON.parse(readFileSync(join(dir, 'keys', 'funded-keys.json'), 'utf8')) as string[])[0], net.fundedKeyHex);
    const signers = (await rpcCall<string[]>(net.rpcUrls[0]!, 'clique_getSigners', [])).map((a) => a.toLowerCase()).sort();
    assert.deepEqual(signers, net.signers.map((a) => a.toLowerCase()).sort());
    const head = await blockNumberOf(net.rpcUrls[0]!);
    await waitFor(`the four to agree on block ${head + 3}`, 60_000, () => nodesAgreeOnBlock(net!.rpcUrls, head + 3), 500);
    const stoppedAt = Math.max(...(await Promise.all(net.rpcUrls.map(blockNumberOf))));
    const hashAtHead = (await rpcCall<{ hash: string }>(net.rpcUrls[0]!, 'eth_getBlockByNumber', [`0x${head.toString(16)}`, false])).hash;
    await net.stop();
    // started again on the same dir and again given 1 ms to agree: the existing chain is stopped and
    // launched once more, never wiped, and it seals past where it stood
    net = await startDevnet({ dir, geth, firstLaunchSettleMs: 1 });
    assert.equal(net.launches, 2);
    const kept = await rpcCall<{ hash: string }>(net.rpcUrls[0]!, 'eth_getBlockByNumber', [`0x${head.toString(16)}`, false]);
    assert.equal(kept.hash, hashAtHead, 'the chain was kept');
    assert.ok((await blockNumberOf(net.rpcUrls[0]!)) >= stoppedAt + 6, 'the restarted chain seals past its old head');
  });
});
