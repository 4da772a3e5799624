// node-agent/retry.ts: which RPC failures an agent retries. A node's JSON-RPC "Internal error" on
// eth_call (which viem reports as a revert without data) is retried; a real revert, with or without
// revert data, is not; connection failures are retried and the attempts are bounded.
import assert from 'node:assert/strict';
import { createPublicClient, custom, encodeErrorResult, parseAbi } from 'viem';
import { isTransient, withRetry } from '../../node-agent/retry.js';

const abi = parseAbi(['function getRoundState(uint256 round) view returns (uint8)', 'error RoundUnknown(uint256 round)']);
const ADDRESS = '0x0e944c4b43F2cdEca0efA5F15fC1026D0CA37C82';

/** A client whose node answers every call with this JSON-RPC error. */
function failingRead(error: { code: number; message: string; data?: string }) {
  const client = createPublicClient({
    transport: custom({
      request: async ({ method }) => {
        if (method === 'eth_chainId') return '0x539';
        throw Object.assign(new Error(error.message), error);
      },
    }, { retryCount: 0 }),
  });
  return client.readContract({ address: ADDRESS, abi, functionName: 'getRoundState', args: [1n] });
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('node-agent retry: transient RPC failures', () => {
  it('retries a node\'s "Internal error" (-32603) without revert data', async () => {
    const err = await errorOf(failingRead({ code: -32603, message: 'Internal error' }));
    assert.match(String(err), /reverted/); // viem calls it a revert
    assert.equal(isTransient(err), true);
  });

  it('does not retry a revert, with a custom error or without data', async () => {
    const data = encodeErrorResult({ abi, errorName: 'RoundUnknown', args: [1n] });
    assert.equal(isTransient(await errorOf(failingRead({ code: 3, message: 'execution reverted', data }))), false);
    assert.equal(isTransient(await errorOf(failingRead({ code: 3, message: 'execution reverted' }))), false);
    assert.equal(isTransient(await errorOf(failingRead({ code: -32603, message: 'Internal error', data }))), false);
  });

  it('retries a failing call until it answers, and gives up after the attempts', async () => {
    let calls = 0;
    const flaky = () => (++calls < 3 ? failingRead({ code: -32603, message: 'Internal error' }) : Promise.resolve(7));
    const retried: number[] = [];
    assert.equal(await withRetry(flaky, { baseMs: 1, onRetry: (a) => retried.push(a) }), 7);
    assert.deepEqual(retried, [1, 2]);
    calls = -100;
    await assert.rejects(withRetry(flaky, { attempts: 3, baseMs: 1 }), /Internal error/);
    assert.equal(calls, -97);
  });
});
