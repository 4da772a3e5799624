// The agents' RPC link fails on purpose (tests/node-agent/faultyRpcProxy.ts in front of a real
// anvil): requests refused with 503, transactions executed but their answer lost. The agents retry
// with backoff and rebroadcast the same signed bytes, so the round still gives the in-memory
// engine's iterates integer for integer, and no agent ever sends a second transaction for an
// iteration (its nonce count equals the number of iterations).
import assert from 'node:assert/strict';
import pino from 'pino';
import { createPublicClient, http, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { CoordinatorClient } from '../../contracts/coordinatorClient.js';
import { startAnvil, type AnvilHandle } from '../../chain/localChain.js';
import { chainFor, rpcCall } from '../../chain/rpc.js';
import { loadScenario } from '../../data/loadScenario.js';
import { runPilot } from '../../operator/pilot.js';
import { startFaultyRpcProxy, type FaultyRpcProxy } from './faultyRpcProxy.js';

describe('pilot: agents behind a failing RPC link', function () {
  this.timeout(150_000);
  let anvil: AnvilHandle;
  let proxy: FaultyRpcProxy;

  before(async () => {
    anvil = await startAnvil({ accounts: 1, gasLimit: 100_000_000n });
    proxy = await startFaultyRpcProxy(anvil.rpcUrl, { refuseEvery: 7, loseSendEvery: 3 });
  });

  after(async () => {
    await proxy?.close();
    await anvil?.stop();
  });

  it('retries refused calls and lost transaction answers without a second submission', async () => {
    const operatorKey = generatePrivateKey();
    await rpcCall(anvil.rpcUrl, 'anvil_setBalance', [privateKeyToAccount(operatorKey).address, '0x3635c9adc5dea00000']); // 1000 ETH
    const { scenario } = loadScenario({ generator: true, prosumers: 3, days: 1, seed: 3 });
    // the operator uses the node directly; agents 1 and 2 go through the failing link
    const result = await runPilot({ scenario, log: pino({ level: 'silent' }), rpcUrls: [anvil.rpcUrl, proxy.url, proxy.url], operatorKey });

    assert.equal(result.converged, true, `round status ${result.status}`);
    assert.deepEqual(result.replay.mismatches, []);
    assert.equal(result.matchesInMemory, true, result.inMemoryMismatch);
    const { counts } = proxy;
    assert.ok(counts.refused >= 10, `only ${counts.refused} requests refused`);
    assert.ok(counts.sendsLost >= 10, `only ${counts.sendsLost} transaction answers lost`);

    const publicClient = createPublicClient({ chain: chainFor(await createPublicClient({ transport: http(anvil.rpcUrl) }).getChainId(), anvil.rpcUrl), transport: http(anvil.rpcUrl) });
    const participants = await new CoordinatorClient(publicClient, result.contract).participants(result.round);
    assert.equal(participants.length, 3);
    for (const [k, who] of participants.entries()) {
      const sent = await publicClient.getTransactionCount({ address: who as Address });
      assert.equal(sent, result.iterations, `agent ${k} sent ${sent} transactions in ${result.iterations} iterations`);
    }
    console.log(
      `      ${result.iterations} iterations; injected: ${counts.refused} refused requests, ${counts.sendsLost} lost transaction answers of ${counts.sends} sends`,
    );
  });
});
