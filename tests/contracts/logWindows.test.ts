// Log queries walk the chain in block windows (nodes cap eth_getLogs ranges: Besu at 5000 blocks
// by default): the windows cover the range exactly once, in order, and the results concatenate.
import assert from 'node:assert/strict';
import { blockWindows, LOG_WINDOW_BLOCKS, logsInWindows } from '../../contracts/logWindows.js';

describe('contracts: log windows', () => {
  it('covers the range exactly once, oldest first, each window at most the limit', () => {
    assert.deepEqual(blockWindows(0n, 12n, 5n), [
      [0n, 4n],
      [5n, 9n],
      [10n, 12n],
    ]);
    assert.deepEqual(blockWindows(7n, 7n, 5n), [[7n, 7n]]);
    assert.deepEqual(blockWindows(8n, 7n, 5n), []);
    const big = blockWindows(0n, 123_456n);
    assert.equal(big.length, Math.ceil(123_457 / Number(LOG_WINDOW_BLOCKS)));
    for (let k = 0; k < big.length; k++) {
      const [from, to] = big[k]!;
      assert.ok(to - from + 1n <= LOG_WINDOW_BLOCKS);
      if (k > 0) assert.equal(from, big[k - 1]![1] + 1n);
    }
    assert.equal(big.at(-1)![1], 123_456n);
    assert.throws(() => blockWindows(0n, 10n, 0n), /at least 1 block/);
  });

  it('runs one query per window and concatenates the results in order', async () => {
    const asked: [bigint, bigint][] = [];
    const progress: string[] = [];
    const got = await logsInWindows(3n, 11n, async (from, to) => {
      asked.push([from, to]);
      return [`${from}-${to}`];
    }, { window: 4n, onProgress: (readTo, toBlock) => progress.push(`${readTo}/${toBlock}`) });
    assert.deepEqual(progress, ['6/11', '10/11', '11/11']);
    assert.deepEqual(asked, [
      [3n, 6n],
      [7n, 10n],
      [11n, 11n],
    ]);
    assert.deepEqual(got, ['3-6', '7-10', '11-11']);
  });
});
