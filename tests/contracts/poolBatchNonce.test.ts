// The relay's batch submission (contracts/submitPoolBatch.ts) behind a node that counts the relay's
// pending nonce one too low, as a validator that has just followed a reorg can: the node refuses
// the first transaction ("nonce too low"), the relay reads the nonce again and the batch goes
// through once, with every row accepted. The test proxy in front of anvil plays that node.
import assert from 'node:assert/strict';
import { createPublicClient, createWalletClient, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { rpcCall } from '../../chain/rpc.js';
import { PoolCoordinatorClient } from '../../contracts/poolCoordinatorClient.js';
import { submitPoolBatch } from '../../contracts/submitPoolBatch.js';
import { startFaultyRpcProxy } from '../node-agent/faultyRpcProxy.js';
import { startPoolFixture, type PoolFixture } from './poolFixture.js';

/** A proxy in front of `target` whose first `staleAnswers` nonce reads come back one lower than the node's. */
async function staleNonceProxy(target: string, staleAnswers: number): Promise<{ url: string; staleServed: () => number; close(): Promise<void> }> {
  let served = 0;
  const proxy = await startFaultyRpcProxy(target, {
    refuseEvery: 0,
    loseSendEvery: 0,
    rewriteAnswer: (request, answer) => {
      if (served >= staleAnswers || (JSON.parse(request) as { method?: string }).method !== 'eth_getTransactionCount') return answer;
      const a = JSON.parse(answer) as { result: string };
      const real = BigInt(a.result);
      if (real === 0n) return answer;
      served++;
      return JSON.stringify({ ...a, result: `0x${(real - 1n).toString(16)}` });
    },
  });
  return { url: proxy.url, staleServed: () => served, close: () => proxy.close() };
}

describe('pool relay: a node that counts the relay nonce low', function () {
  this.timeout(60_000);
  let f: PoolFixture;
  before(async () => {
    f = await startPoolFixture(2);
  });
  after(async () => f?.stop());

  it('reads the nonce again after "nonce too low" and sends the batch once, every row accepted', async () => {
    const relayAccount = privateKeyToAccount(generatePrivateKey());
    const anvil = f.dev.anvil.rpcUrl;
    await rpcCall(anvil, 'anvil_setBalance', [relayAccount.address, '0x3635c9adc5dea00000']);
    // one earlier transaction, so that the relay's nonce is 1 and a stale count says 0
    const direct = createWalletClient({ chain: f.dev.chain, transport: http(anvil), account: relayAccount });
    await f.dev.publicClient.waitForTransactionReceipt({ hash: await direct.sendTransaction({ to: relayAccount.address, value: 0n }) });

    const proxy = await staleNonceProxy(anvil, 1);
    try {
      const publicClient = createPublicClient({ chain: f.dev.chain, transport: http(proxy.url), pollingInterval: 50 });
      const wallet = createWalletClient({ chain: f.dev.chain, transport: http(proxy.url), account: relayAccount });
      const client = new PoolCoordinatorClient(publicClient, f.dev.address, wallet);
      const rows = [await f.signed(0, 1, [100, -200, 300, -400, 500, -600], null), await f.signed(1, 1, [-100, 200, -300, 400, -500, 600], null)];
      const out = await submitPoolBatch({ client, round: f.round, iteration: 1, rows });
      assert.equal(proxy.staleServed(), 1, 'the node answered one stale nonce');
      assert.equal(out.transactions.length, 1, 'one batch transaction');
      assert.equal(out.transactions[0]!.status, 'success');
      assert.equal(out.accepted, 2);
      assert.deepEqual(out.rejected, []);
      // the batch completed iteration 1: the round moved on
      assert.equal((await f.operator.progress(f.round)).iteration, 2);
      assert.equal(await f.dev.publicClient.getTransactionCount({ address: relayAccount.address }), 2, 'the refused send left no extra transaction');
    } finally {
      await proxy.close();
    }
  });
});
