// An oscillating participant is detected (issue 14, defect 13): legal rows of alternating sign
// with steps that do not shrink are flagged with the iteration they start; converging rows and a
// single sign change are not.
import assert from 'node:assert/strict';
import { findOscillations } from '../../node-agent/oscillation.js';

function round(n: number, t: number, iterations: number, value: (i: number, j: number, s: number, k: number) => number): BigInt64Array[] {
  return Array.from({ length: iterations }, (_, k) => {
    const tr = new BigInt64Array(n * n * t);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let s = 0; s < t; s++) if (i !== j) tr[(i * n + j) * t + s] = BigInt(Math.round(value(i, j, s, k)));
    return tr;
  });
}

describe('oscillation: a participant keeping the round open', () => {
  const n = 3;
  const t = 4;
  it('flags alternating-sign rows and only that participant', () => {
    const trades = round(n, t, 10, (i, j, s, k) => {
      const honest = 1e6 * (j - i) * (1 + s) * (1 + 0.5 ** k); // converging
      if (i !== 2) return honest;
      return k >= 3 ? (k % 2 === 0 ? 2e6 : -2e6) * (1 + s) : honest;
    });
    const found = findOscillations(trades, n, t);
    assert.equal(found.length, 1);
    assert.equal(found[0].participant, 2);
    assert.ok(found[0].fromIteration >= 3 && found[0].fromIteration <= 5, `from ${found[0].fromIteration}`);
    assert.ok(found[0].iterations >= 5);
  });

  it('does not flag converging rows or damped oscillations', () => {
    assert.deepEqual(findOscillations(round(n, t, 12, (i, j, s, k) => 1e6 * (j - i) * (1 + s) * (1 + 0.6 ** k)), n, t), []);
    assert.deepEqual(findOscillations(round(n, t, 12, (i, j, s, k) => 1e6 * (j - i) * (1 + s) * (1 + (-0.5) ** k)), n, t), []);
  });
});
