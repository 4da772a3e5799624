// Node key -> public key (enode id) -> address derivation, against secp256k1 / Ethereum vectors.
import assert from 'node:assert/strict';
import { addressOf, derivedPrivateKey, enodeUrl, nodeIdOf, randomPrivateKey } from '../../network-config/keys.js';

describe('node keys and enode URLs', () => {
  it('private key 1 gives the generator point G and its well-known address', () => {
    const one = '00'.repeat(31) + '01';
    assert.equal(
      nodeIdOf(one),
      '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' + '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8',
    );
    assert.equal(addressOf(one), '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
  });

  it('the first anvil/hardhat development key gives its published address', () => {
    assert.equal(addressOf('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'), '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  });

  it('formats enode://<128 hex node id>@host:port', () => {
    const k = derivedPrivateKey('t', 'a');
    const url = enodeUrl(nodeIdOf(k), '10.0.0.5', 30303);
    assert.match(url, /^enode:\/\/[0-9a-f]{128}@10\.0\.0\.5:30303$/);
  });

  it('derives reproducible, distinct keys per seed and label; random keys differ', () => {
    assert.equal(derivedPrivateKey('seed', 'v0'), derivedPrivateKey('seed', 'v0'));
    assert.notEqual(derivedPrivateKey('seed', 'v0'), derivedPrivateKey('seed', 'v1'));
    assert.notEqual(derivedPrivateKey('seed', 'v0'), derivedPrivateKey('other', 'v0'));
    const r = randomPrivateKey();
    assert.match(r, /^[0-9a-f]{64}$/);
    assert.notEqual(r, randomPrivateKey());
  });

  it('rejects malformed and out-of-range keys', () => {
    assert.throws(() => nodeIdOf('0x' + '11'.repeat(32)), /64 lowercase hex/);
    assert.throws(() => nodeIdOf('00'.repeat(32)), /out of the secp256k1 range/);
    assert.throws(() => addressOf('ff'.repeat(32)), /out of the secp256k1 range/);
  });
});
