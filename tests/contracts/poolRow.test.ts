// contracts/poolRow.ts: the packed int16 row and int64 slice round-trip, out-of-range values are
// refused (never wrapped), and a signature recovers to its signer only for the exact row, round,
// iteration, participant, contract and chain it was made for.
import assert from 'node:assert/strict';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { decodeRow, decodeSlice, encodeRow, encodeSlice, recoverPoolRowSigner, signPoolRow } from '../../contracts/poolRow.js';

describe('contracts/poolRow', () => {
  it('packs rows as big-endian int16 and slices as big-endian int64, both ways', () => {
    const row = [0, 1, -1, 32767, -32768, 1234, -4321];
    const hex = encodeRow(row);
    assert.equal(hex, '0x00000001ffff7fff800004d2ef1f');
    assert.deepEqual(Array.from(decodeRow(hex)), row);
    const slice = [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 123456789012345n];
    assert.deepEqual(Array.from(decodeSlice(encodeSlice(slice))), slice);
    assert.equal(encodeSlice([1n]), '0x0000000000000001');
  });

  it('refuses values outside int16 / int64 and odd byte lengths', () => {
    assert.throws(() => encodeRow([32768]), /row value 32768 at slot 0 is not an int16/);
    assert.throws(() => encodeRow([0, -32769]), /slot 1/);
    assert.throws(() => encodeRow([0.5]), /not an int16/);
    assert.throws(() => encodeSlice([2n ** 63n]), /not an int64/);
    assert.throws(() => decodeRow('0x000102'), /not a whole number of int16/);
    assert.throws(() => decodeSlice('0x0001'), /not a whole number of int64/);
  });

  it('recovers the signer only for the exact message and domain', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const ref = { chainId: 31337, contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const };
    const m = { round: 3n, iteration: 7, participant: account.address, row: encodeRow([5, -6, 7]), slice: '0x' as const };
    const sig = await signPoolRow(account, ref, m);
    assert.equal(await recoverPoolRowSigner(ref, m, sig), account.address);
    const others = [
      [ref, { ...m, row: encodeRow([5, -6, 8]) }],
      [ref, { ...m, iteration: 8 }],
      [ref, { ...m, round: 4n }],
      [ref, { ...m, slice: encodeSlice([1n]) }],
      [{ ...ref, chainId: 1 }, m],
      [{ ...ref, contract: '0x0000000000000000000000000000000000000001' as const }, m],
    ] as const;
    for (const [r, msg] of others) assert.notEqual(await recoverPoolRowSigner(r, msg, sig), account.address);
  });
});
