// A fresh geth Clique devnet whose validators do not come to agree in time is wiped back to its
// genesis and launched once more, keeping its keys and files (here the first launch is given 1 ms to
// agree, so it always takes the second); an existing devnet is never wiped.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockNumberOf, nodesAgreeOnBlock, rpcCall, waitFor } from '../../chain/rpc.js';
import { startDevnet, type Devnet } from '../../network-config/devnet.js';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';
import { assertCliqueCapableGeth, findGeth } from '../../network-config/gethBinary.js';

describe('Clique devnet: relaunch of a fresh network that did not settle', function () {
  this.timeout(300_000);
  let dir = '';
  let net: Devnet | undefined;

  after(async () => {
    if (net) await net.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('wipes the chain back to genesis, keeps keys and files, and the second launch seals and agrees', async () => {
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
    await net.stop();
    // started again on the same dir: an existing devnet is resumed, not wiped, even if slow to agree
    net = await startDevnet({ dir, geth, firstLaunchSettleMs: 120_000 });
    assert.equal(net.launches, 1);
    assert.ok((await blockNumberOf(net.rpcUrls[0]!)) >= head, 'the chain was kept');
  });
});
