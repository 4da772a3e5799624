// Genesis extraData against known vectors from the clients' documentation and source.
import assert from 'node:assert/strict';
import { stringToHex } from 'viem';
import { cliqueExtraData, cliqueSignersOf, qbftExtraData, sortSigners } from '../../network-config/extraData.js';

const ZERO_VANITY = '00'.repeat(32);
const ZERO_SEAL = '00'.repeat(65);

describe('Clique extraData', () => {
  it('matches the example genesis of Besu\'s "Configure Clique consensus" page (one signer)', () => {
    // besu-docs docs/private-networks/how-to/configure/consensus/clique.md, "Example Clique genesis file".
    const vector =
      '0x000000000000000000000000000000000000000000000000000000000000000001a54556254bfa3db2daa7673435ec63649925c50000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000';
    assert.equal(cliqueExtraData(['0x01a54556254bfa3db2daa7673435ec63649925c5']), vector);
  });

  it('matches geth\'s Görli genesis (core/genesis.go DefaultGoerliGenesisBlock), vanity included', () => {
    const vector =
      '0x22466c6578692069732061207468696e6722202d204166726900000000000000e0a2bd4258d2768837baa26a28fe71dc079f84c70000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000';
    assert.equal(cliqueExtraData(['0xE0A2Bd4258D2768837BAa26A28fE71Dc079f84c7'], stringToHex('"Flexi is a thing" - Afri')), vector);
  });

  it('sorts signers ascending and frames them with 32 vanity and 65 seal bytes', () => {
    const a = '0x00000000000000000000000000000000000000aa';
    const b = '0x1000000000000000000000000000000000000000';
    const c = '0xffffffffffffffffffffffffffffffffffffffff';
    const x = cliqueExtraData([c, a, b]);
    assert.equal(x, `0x${ZERO_VANITY}${a.slice(2)}${b.slice(2)}${c.slice(2)}${ZERO_SEAL}`);
    assert.equal((x.length - 2) / 2, 32 + 3 * 20 + 65);
    assert.deepEqual(cliqueSignersOf(x), [a, b, c]);
    assert.deepEqual(sortSigners([c, b, a]), [a, b, c]);
  });

  it('refuses an empty signer list, a malformed address and a vanity over 32 bytes', () => {
    assert.throws(() => cliqueExtraData([]), /at least one signer/);
    assert.throws(() => cliqueExtraData(['0x1234']), /not an address/);
    assert.throws(() => cliqueExtraData(['0x01a54556254bfa3db2daa7673435ec63649925c5'], `0x${'11'.repeat(33)}`), /at most 32/);
  });
});

describe('QBFT extraData (RLP)', () => {
  it('matches the 4-validator genesis of Besu\'s "Configure QBFT consensus" page', () => {
    // besu-docs docs/private-networks/how-to/configure/consensus/qbft.md, block header validator selection tab.
    const vector =
      '0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0';
    const validators = [
      '0x64a702e6263b7297a96638cac6ae65e6541f4169',
      '0x3923390ad55e90c237593b3b0e401f3b08a03185',
      '0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692',
      '0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78',
    ];
    assert.equal(qbftExtraData(validators), vector);
  });

  it('matches the empty-validator extraData of the contract-validator-selection example', () => {
    // Same page, contract validator selection tab; also Besu's qbft-core genesis_validator_contract.json.
    assert.equal(qbftExtraData([]), '0xe5a00000000000000000000000000000000000000000000000000000000000000000c0c080c0');
  });

  it('matches the one-validator genesis in Besu\'s qbft-core integration tests (round 0 encoded 0x80)', () => {
    // besu consensus/qbft-core/src/integration-test/resources/genesis_migrating_validator_contract.json (26.2.0).
    assert.equal(
      qbftExtraData(['0xeac51e3fe1afc9894f0dfeab8ceb471899b932df']),
      '0xf83aa00000000000000000000000000000000000000000000000000000000000000000d594eac51e3fe1afc9894f0dfeab8ceb471899b932dfc080c0',
    );
  });

  it('keeps the given validator order (unlike Clique)', () => {
    const hi = '0xffffffffffffffffffffffffffffffffffffffff';
    const lo = '0x0000000000000000000000000000000000000001';
    const x = qbftExtraData([hi, lo]);
    assert.ok(x.indexOf(hi.slice(2)) < x.indexOf(lo.slice(2)));
  });
});
