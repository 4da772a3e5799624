// The radio frame format: exact round trips of every message type, the documented sizes (a 24-slot
// row is 123 B), fragmentation and reassembly in any order with duplicates, and a seeded fuzz loop:
// random messages round-trip, random bytes and single-byte corruptions decode or fail with a
// FrameError, never anything else.
import assert from 'node:assert/strict';
import { bytesToHex, getAddress, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  decodeMessage,
  encodeMessage,
  FrameError,
  HEARTBEAT_BYTES,
  JOIN_BYTES,
  type ClearingMessage,
  type RadioMessage,
  type RowMessage,
} from '../../radio/frames.js';
import { framesNeeded, Reassembler, splitMessage } from '../../radio/fragments.js';
import { signJoin, verifyJoin } from '../../radio/joinProof.js';
import { mulberry32 as rng } from '../../data/seededRandom.js';

const sig = (r: () => number): Hex => {
  const b = new Uint8Array(65);
  for (let k = 0; k < 65; k++) b[k] = Math.floor(r() * 256);
  return bytesToHex(b);
};
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const i64 = (r: () => number): bigint => {
  const kind = r();
  if (kind < 0.1) return -(1n << 63n);
  if (kind < 0.2) return (1n << 63n) - 1n;
  const mag = BigInt(Math.floor(r() * 2 ** 52)) << BigInt(int(r, 0, 10));
  return r() < 0.5 ? -mag : mag;
};

function randomMessage(r: () => number): RadioMessage {
  const t = int(r, 0, 4);
  if (t === 0) {
    const n = int(r, 1, 96);
    return {
      type: 'row',
      round: BigInt(int(r, 0, 2 ** 32 - 1)),
      iteration: int(r, 0, 65535),
      participant: int(r, 0, 65535),
      row: Int16Array.from({ length: n }, () => int(r, -32768, 32767)),
      slice: Array.from({ length: int(r, 0, 3) }, () => i64(r)),
      signature: sig(r),
    };
  }
  if (t === 1) {
    const n = int(r, 1, 48);
    return {
      type: 'clearing',
      round: BigInt(int(r, 0, 2 ** 32 - 1)),
      iteration: int(r, 0, 65535),
      final: r() < 0.5,
      prices: Array.from({ length: n }, () => i64(r)),
      sbar: Array.from({ length: n }, () => i64(r)),
      aux: Array.from({ length: int(r, 0, 4) }, () => i64(r)),
      ...(r() < 0.5 ? { accepted: Array.from({ length: int(r, 0, 300) }, () => r() < 0.7) } : {}),
    };
  }
  if (t === 2) {
    return {
      type: 'heartbeat',
      agentVersion: [int(r, 0, 255), int(r, 0, 255), int(r, 0, 255)],
      health: int(r, 0, 255),
      lastRound: BigInt(int(r, 0, 2 ** 32 - 1)),
      lastIteration: int(r, 0, 65535),
    };
  }
  if (t === 4) {
    return { type: 'missing', round: BigInt(int(r, 0, 2 ** 32 - 1)), iteration: int(r, 0, 65535), missing: Array.from({ length: int(r, 0, 1200) }, () => r() < 0.2) };
  }
  const a = new Uint8Array(20).map(() => int(r, 0, 255));
  const e = new Uint8Array(8).map(() => int(r, 0, 255));
  return { type: 'join', address: getAddress(bytesToHex(a)), devEui: bytesToHex(e), timestamp: int(r, 0, 2 ** 32 - 1), signature: sig(r) };
}

const norm = (m: RadioMessage) => JSON.stringify(m, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Int16Array ? Array.from(v) : v instanceof Uint8Array ? bytesToHex(v) : v));

describe('radio: frame format', () => {
  it('a 24-slot row with a 65-byte signature is 123 B and round-trips', () => {
    const m: RowMessage = {
      type: 'row',
      round: 7n,
      iteration: 42,
      participant: 3,
      row: Int16Array.from({ length: 24 }, (_, k) => (k - 12) * 1000),
      slice: [],
      signature: `0x${'ab'.repeat(64)}1b`,
    };
    const b = encodeMessage(m);
    assert.equal(b.length, 123);
    assert.equal(b[0], 0x11);
    assert.deepEqual([b[5], b[6], b[7], b[8]], [0, 42, 0, 3]);
    assert.equal(norm(decodeMessage(b)), norm(m));
  });

  it('clearing, heartbeat and join have their documented sizes', () => {
    const c: ClearingMessage = { type: 'clearing', round: 1n, iteration: 5, final: false, prices: Array(24).fill(250_000n), sbar: Array(24).fill(-3_000n), aux: [] };
    const cb = encodeMessage(c);
    // 10-byte header, first price 3 varint bytes, 23 zero deltas, first sbar 2 bytes, 23 zero deltas
    assert.equal(cb.length, 10 + 3 + 23 + 2 + 23);
    assert.equal(norm(decodeMessage(cb)), norm(c));
    // the accepted bitmap: 2 bytes of count and one bit per participant, first participant in the high bit
    const withBitmap = encodeMessage({ ...c, accepted: [true, false, true, true, false, false, false, false, true, true] });
    assert.equal(withBitmap.length, cb.length + 2 + 2);
    assert.deepEqual(Array.from(withBitmap.subarray(-4)), [0, 10, 0b10110000, 0b11000000]);
    assert.equal(norm(decodeMessage(withBitmap)), norm({ ...c, accepted: [true, false, true, true, false, false, false, false, true, true] }));
    assert.equal(encodeMessage({ type: 'heartbeat', agentVersion: [1, 2, 3], health: 0, lastRound: 9n, lastIteration: 1 }).length, HEARTBEAT_BYTES);
    // missing rows: 7-byte header and the same bitmap; 100 meters fit one SF10 frame (20 B)
    const missing = Array.from({ length: 100 }, (_, k) => k === 0 || k === 99);
    const mb = encodeMessage({ type: 'missing', round: 7n, iteration: 3, missing });
    assert.equal(mb.length, 7 + 2 + 13);
    assert.deepEqual(Array.from(mb.subarray(0, 9)), [0x15, 0, 0, 0, 7, 0, 3, 0, 100]);
    assert.equal(mb[9], 0x80);
    assert.equal(mb.at(-1), 0b00010000);
    assert.equal(norm(decodeMessage(mb)), norm({ type: 'missing', round: 7n, iteration: 3, missing }));
    assert.throws(() => decodeMessage(Uint8Array.from([...mb, 0])), /trailing bytes/);
  });

  it('refuses values the format cannot carry, naming the field', () => {
    const base: RowMessage = { type: 'row', round: 1n, iteration: 0, participant: 0, row: new Int16Array(2), slice: [], signature: `0x${'00'.repeat(65)}` };
    assert.throws(() => encodeMessage({ ...base, round: 1n << 32n }), (e: unknown) => e instanceof FrameError && e.field === 'round');
    assert.throws(() => encodeMessage({ ...base, iteration: 70_000 }), /field iteration/);
    assert.throws(() => encodeMessage({ ...base, signature: '0x00' }), /field signature/);
    assert.throws(() => encodeMessage({ ...base, row: new Int16Array(0) }), /empty row/);
    assert.throws(() => decodeMessage(new Uint8Array([0x21, 0])), /format version 2/);
    assert.throws(() => decodeMessage(new Uint8Array([0x17])), /unknown message type 7/);
  });

  it('fragments a row for SF10 (51 B): three frames, reassembled in any order, duplicates ignored', () => {
    const r = rng(1);
    const msg = encodeMessage({ type: 'heartbeat', agentVersion: [0, 1, 0], health: 0, lastRound: 1n, lastIteration: 0 });
    const row = encodeMessage({ type: 'row', round: 1n, iteration: 1, participant: 1, row: new Int16Array(24).fill(-5), slice: [], signature: sig(r) });
    assert.equal(framesNeeded(row.length, 51), 3);
    const frames = splitMessage(row, 51, 200);
    assert.equal(frames.length, 3);
    for (const f of frames) assert.ok(f.length <= 51);
    const re = new Reassembler();
    assert.equal(re.accept('dev', frames[2]!, 0), undefined);
    assert.equal(re.accept('dev', frames[2]!, 1), undefined);
    assert.equal(re.accept('dev', frames[0]!, 2), undefined);
    assert.equal(re.accept('other', frames[1]!, 2), undefined, 'fragments of another sender do not mix');
    assert.deepEqual(re.accept('dev', frames[1]!, 3), row);
    assert.equal(re.stats.duplicates, 1);
    assert.equal(re.pending, 1);
    // a whole message passes straight through; partial messages expire
    assert.deepEqual(re.accept('dev', msg.subarray(0, msg.length), 4), msg);
    assert.equal(new Reassembler(10).accept('x', frames[0]!, 0), undefined);
    const short = new Reassembler(10);
    short.accept('x', frames[0]!, 0);
    short.accept('x', frames[1]!, 100);
    assert.equal(short.stats.expired, 1);
    assert.throws(() => splitMessage(row, 4, 0), /cannot carry fragments/);
  });

  it('fuzz: 3000 random messages round-trip through random frame sizes (seeded)', () => {
    const r = rng(20261130);
    for (let k = 0; k < 3000; k++) {
      const m = randomMessage(r);
      const bytes = encodeMessage(m);
      assert.equal(norm(decodeMessage(bytes)), norm(m), `case ${k}`);
      const max = int(r, 11, 242);
      const frames = splitMessage(bytes, max, k);
      const re = new Reassembler();
      const order = frames.map((_, i) => i).sort(() => r() - 0.5);
      let out: Uint8Array | undefined;
      for (const i of order) out = re.accept('d', frames[i]!, 0) ?? out;
      assert.deepEqual(out, bytes, `case ${k} at ${max} B`);
    }
  });

  it('fuzz: random and corrupted bytes decode or fail with a FrameError only (seeded)', () => {
    const r = rng(7);
    let rejected = 0;
    for (let k = 0; k < 5000; k++) {
      let b: Uint8Array;
      if (k % 2 === 0) {
        b = new Uint8Array(int(r, 0, 140)).map(() => int(r, 0, 255));
        if (b.length > 0 && r() < 0.8) b[0] = 0x10 | int(r, 0, 15);
      } else {
        b = encodeMessage(randomMessage(r));
        const at = int(r, 0, b.length - 1);
        b[at] = b[at]! ^ (1 << int(r, 0, 7));
        if (r() < 0.3) b = b.subarray(0, int(r, 0, b.length));
      }
      try {
        const m = decodeMessage(b);
        // whatever decodes re-encodes to a message that decodes the same
        assert.equal(norm(decodeMessage(encodeMessage(m))), norm(m));
      } catch (e) {
        assert.ok(e instanceof FrameError, `case ${k}: ${String(e)}`);
        rejected++;
      }
    }
    assert.ok(rejected > 500, `${rejected} rejected`);
  });
});

describe('radio: join proof', () => {
  const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
  const devEui: Hex = '0x70b3d57ed0000001';

  it('binds a device to the prosumer address and survives the frame', async () => {
    const j = await signJoin(account, devEui, 1_700_000_000);
    const bytes = encodeMessage(j);
    assert.equal(bytes.length, JOIN_BYTES);
    const back = decodeMessage(bytes);
    assert.equal(back.type, 'join');
    if (back.type !== 'join') return;
    assert.deepEqual(await verifyJoin(back, { fromDevEui: devEui, nowSec: 1_700_000_100 }), { ok: true });
  });

  it('rejects a proof from another device, another address, too old, or altered', async () => {
    const j = await signJoin(account, devEui, 1_700_000_000);
    assert.equal((await verifyJoin(j, { fromDevEui: '0x70b3d57ed0000002', nowSec: 1_700_000_000 })).ok, false);
    assert.equal((await verifyJoin(j, { fromDevEui: devEui, nowSec: 1_800_000_000 })).ok, false);
    const other = { ...j, address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as const };
    assert.match(JSON.stringify(await verifyJoin(other, { fromDevEui: devEui, nowSec: 1_700_000_000 })), /not by the address/);
    assert.equal((await verifyJoin({ ...j, timestamp: j.timestamp + 1 }, { fromDevEui: devEui, nowSec: 1_700_000_000 })).ok, false);
  });
});
