// LoRaWAN frames with lora-packet: a published frame reproduced byte for byte, uplinks and
// downlinks opened only with the right keys, counters that refuse replays and cross 16 bits,
// a multicast downlink every member opens, the data-rate check before building, and keys that
// never print.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import pino from 'pino';
import { Writable } from 'node:stream';
import { DeviceSession, LorawanError, MulticastGroup, NetworkSession, randomSessionKeys, SessionKey, sendPlan } from '../../radio/lorawan.js';
import { EU868, RadioLimitError, US915 } from '../../radio/regionalParameters.js';

describe('radio: LoRaWAN frames', () => {
  it("builds lora-packet's published uplink 40F17DBE49...0D byte for byte", () => {
    const keys = { devAddr: '49be7df1', appSKey: SessionKey.fromHex('ec925802ae430ca77fd3dd73cb2cc588'), nwkSKey: SessionKey.fromHex('44024241ed4ce9a68c6a8bc055233fd3') };
    const dev = new DeviceSession('0000000000000001', keys, { fCntUp: 2 });
    const { phy } = dev.uplink(new TextEncoder().encode('test'), 1);
    assert.equal(Buffer.from(phy).toString('hex').toUpperCase(), '40F17DBE4900020001954378762B11FF0D');
    const ns = new NetworkSession('0000000000000001', keys);
    assert.equal(new TextDecoder().decode(ns.uplink(phy).payload), 'test');
  });

  it('opens an uplink only with the right keys, refuses replays, counts past 65535', () => {
    const keys = randomSessionKeys('26011f00');
    const dev = new DeviceSession('70b3d57ed0000001', keys, { fCntUp: 65_534 });
    const ns = new NetworkSession('70b3d57ed0000001', keys);
    const payload = Uint8Array.from({ length: 123 }, (_, k) => k);
    const a = dev.uplink(payload);
    const b = dev.uplink(payload);
    const c = dev.uplink(payload);
    assert.deepEqual(ns.uplink(a.phy).payload, payload);
    assert.equal(ns.uplink(b.phy).fCnt, 65_535);
    assert.equal(ns.uplink(c.phy).fCnt, 65_536);
    assert.throws(() => ns.uplink(b.phy), (e: unknown) => e instanceof LorawanError && (e.reason === 'replay' || e.reason === 'mic'));
    const tampered = Uint8Array.from(dev.uplink(payload).phy);
    tampered[20] ^= 1;
    assert.throws(() => ns.uplink(tampered), (e: unknown) => e instanceof LorawanError && e.reason === 'mic');
    const stranger = new NetworkSession('70b3d57ed0000001', randomSessionKeys('26011f00'));
    assert.throws(() => stranger.uplink(dev.uplink(payload).phy), /MIC check failed/);
    assert.throws(() => ns.uplink(new Uint8Array([1, 2, 3])), LorawanError);
  });

  it('a multicast downlink is opened by every member and by nobody else', () => {
    const group = new MulticastGroup('clearing', randomSessionKeys('fc00ac11'));
    const members = [1, 2, 3].map((k) => {
      const d = new DeviceSession(`70b3d57ed000000${k}`, randomSessionKeys());
      d.joinMulticast(group.keys);
      return d;
    });
    const outsider = new DeviceSession('70b3d57ed0000009', randomSessionKeys());
    const msg = new Uint8Array([0x12, 1, 2, 3]);
    const { phy } = group.downlink(msg);
    for (const m of members) {
      const f = m.downlink(phy);
      assert.equal(f.multicast, true);
      assert.deepEqual(f.payload, msg);
      // a replayed frame maps to a counter 2^16 ahead, whose MIC cannot match
      assert.throws(() => m.downlink(phy), /not above|MIC check failed/);
    }
    assert.throws(() => outsider.downlink(phy), /not for this device/);
    // a unicast downlink from the network session
    const keys = randomSessionKeys();
    const dev = new DeviceSession('70b3d57ed0000004', keys);
    const ns = new NetworkSession('70b3d57ed0000004', keys);
    assert.deepEqual(dev.downlink(ns.downlink(msg, 2).phy).payload, msg);
  });

  it('a frame too large for its data rate is an error before sending', () => {
    assert.ok(sendPlan(EU868, 5, 123, 'uplink') > 225);
    assert.throws(() => sendPlan(EU868, 2, 123, 'uplink'), RadioLimitError);
    assert.throws(() => sendPlan(US915, 1, 54, 'uplink'), RadioLimitError);
  });

  it('session keys never appear in logs, JSON or inspect output', () => {
    const keys = randomSessionKeys('26011f01');
    const hex = keys.nwkSKey.revealHex();
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    log.info({ keys, session: new DeviceSession('70b3d57ed0000001', keys) }, 'session');
    const all = [lines.join(''), JSON.stringify(keys), inspect(keys, { depth: 5 }), `${keys.appSKey}`].join('\n');
    assert.ok(!all.includes(hex), 'NwkSKey printed');
    assert.ok(!all.includes(keys.appSKey.revealHex()), 'AppSKey printed');
    assert.match(all, /redacted/);
  });
});
