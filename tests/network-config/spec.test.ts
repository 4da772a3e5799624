// Consortium description: the example parses; each kind of mistake is reported with file, line and key path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConsortiumSpecError } from '../../network-config/errors.js';
import { parseConsortiumSpec } from '../../network-config/spec.js';
import { DerchainInputError } from '../../errors/inputError.js';

const EXAMPLE = 'network-config/examples/pilot.yaml';
const exampleText = readFileSync(EXAMPLE, 'utf8');

const base = `name: t
chainId: 4242
consensus: clique
blockPeriodSeconds: 2
gasLimit: 30000000
validators:
  - name: a
    host: 10.0.0.1
  - name: b
    host: 10.0.0.2
`;

function errorOf(text: string): ConsortiumSpecError {
  try {
    parseConsortiumSpec(text, 'spec.yaml');
  } catch (e) {
    assert.ok(e instanceof ConsortiumSpecError, `expected ConsortiumSpecError, got ${String(e)}`);
    assert.ok(e instanceof DerchainInputError);
    return e;
  }
  assert.fail('expected the spec to be rejected');
}

describe('consortium spec', () => {
  it('parses the example pilot spec with defaults and balances in wei', () => {
    const s = parseConsortiumSpec(exampleText, EXAMPLE);
    assert.equal(s.chainId, 46021);
    assert.equal(s.consensus, 'clique');
    assert.equal(s.validators.length, 4);
    assert.equal(s.members.length, 2);
    assert.equal(s.validators[0].p2pPort, 30303);
    assert.equal(s.accounts[0].balance, (10n ** 6n * 10n ** 18n).toString());
    assert.equal(s.accounts[0].address.toLowerCase(), '0x00000000000000000000000000000000000d3a01');
  });

  it('fills defaults for a minimal spec (epoch, empty blocks, no members)', () => {
    const s = parseConsortiumSpec(base, 'spec.yaml');
    assert.equal(s.epoch, 30000);
    assert.equal(s.createEmptyBlocks, true);
    assert.deepEqual(s.members, []);
  });

  it('names file, line and key path for a bad host', () => {
    const e = errorOf(base.replace('10.0.0.2', 'db.internal'));
    assert.equal(e.file, 'spec.yaml');
    assert.equal(e.keyPath, 'validators[1].host');
    assert.equal(e.line, 10);
    assert.match(e.message, /^file spec\.yaml, line 10, field validators\[1\]\.host: must be the IPv4 address/);
  });

  it('rejects an unknown consensus with the allowed values', () => {
    const e = errorOf(base.replace('consensus: clique', 'consensus: ethash'));
    assert.equal(e.keyPath, 'consensus');
    assert.equal(e.line, 3);
    assert.match(e.message, /clique/);
  });

  it('rejects unknown keys (typos) instead of ignoring them', () => {
    const e = errorOf(base + 'blockperiod: 5\n');
    assert.match(e.message, /blockperiod/);
  });

  it('rejects duplicate node names and clashing host:port', () => {
    assert.equal(errorOf(base.replace('name: b', 'name: a')).keyPath, 'validators[1].name');
    const clash = errorOf(base.replace('10.0.0.2', '10.0.0.1'));
    assert.equal(clash.keyPath, 'validators[1].p2pPort');
    assert.match(clash.message, /10\.0\.0\.1:30303 is already used/);
  });

  it('rejects a bootnode that is not a node of the spec', () => {
    const e = errorOf(base + 'bootnodes: [a, zz]\n');
    assert.equal(e.keyPath, 'bootnodes[1]');
    assert.match(e.message, /"zz" is not the name/);
  });

  it('rejects public chain ids, periods below 1 s and an empty validator list', () => {
    assert.equal(errorOf(base.replace('chainId: 4242', 'chainId: 1')).keyPath, 'chainId');
    assert.equal(errorOf(base.replace('blockPeriodSeconds: 2', 'blockPeriodSeconds: 0')).keyPath, 'blockPeriodSeconds');
    const v = errorOf(base.split('validators:')[0] + 'validators: []\n');
    assert.equal(v.keyPath, 'validators');
    assert.match(v.message, /at least one validator/);
  });

  it('rejects bad account addresses and amounts', () => {
    const acc = (addr: string, bal: string) => `${base}accounts:\n  - address: "${addr}"\n    balance: "${bal}"\n`;
    assert.equal(errorOf(acc('0x1234', '1 ether')).keyPath, 'accounts[0].address');
    // wrong EIP-55 checksum (last letter case flipped)
    assert.equal(errorOf(acc('0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '1 ether')).keyPath, 'accounts[0].address');
    assert.equal(errorOf(acc('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'lots')).keyPath, 'accounts[0].balance');
    const ok = parseConsortiumSpec(acc('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '2.5 gwei'), 'spec.yaml');
    assert.equal(ok.accounts[0].balance, '2500000000');
  });

  it('refuses to open JSON-RPC to any host name ("*")', () => {
    const e = errorOf(base + 'rpc:\n  hostAllowlist: ["*"]\n');
    assert.equal(e.keyPath, 'rpc.hostAllowlist[0]');
  });

  it('reports invalid YAML with its line', () => {
    const e = errorOf('name: t\nchainId: [1,\n');
    assert.match(e.message, /invalid YAML/);
    assert.ok(e.line !== undefined && e.line >= 2);
  });
});
