// generateNetwork/writeNetwork: Besu and geth files describe the same chain; per-node Besu files;
// docker-compose; secrets owner-only and absent from every non-secret output.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { fromRlp, type Hex } from 'viem';
import { parse as parseYaml } from 'yaml';
import { cliqueSignersOf } from '../../network-config/extraData.js';
import { generateNetwork, writeNetwork, type GeneratedNetwork } from '../../network-config/generate.js';
import { addressOf, nodeIdOf } from '../../network-config/keys.js';
import { parseConsortiumSpec } from '../../network-config/spec.js';

const pilotSpec = parseConsortiumSpec(readFileSync('network-config/examples/pilot.yaml', 'utf8'), 'pilot.yaml');

interface Genesis {
  config: Record<string, unknown> & { chainId: number; clique?: Record<string, unknown>; qbft?: Record<string, unknown> };
  extraData: Hex;
  gasLimit: Hex;
  alloc: Record<string, { balance: Hex }>;
  [k: string]: unknown;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('generateNetwork', () => {
  const net: GeneratedNetwork = generateNetwork(pilotSpec, { seed: 'unit' });
  const besu = net.besuGenesis as Genesis;
  const geth = net.gethGenesis as Genesis;
  const validators = net.nodes.filter((n) => n.role === 'validator');

  it('is deterministic with a seed and random without one', () => {
    assert.deepEqual(generateNetwork(pilotSpec, { seed: 'unit' }).nodes.map((n) => n.enode), net.nodes.map((n) => n.enode));
    assert.notEqual(generateNetwork(pilotSpec).nodes[0].nodeKeyHex, generateNetwork(pilotSpec).nodes[0].nodeKeyHex);
  });

  it('gives each node a key whose public key is in its enode URL, and validators their key\'s address as signer', () => {
    for (const n of net.nodes) {
      assert.equal(n.enode, `enode://${nodeIdOf(n.nodeKeyHex)}@${n.host}:${n.p2pPort}`);
      if (n.role === 'validator') {
        assert.equal(n.signerAddress, addressOf(n.nodeKeyHex));
        assert.equal(n.signerKeyHex, n.nodeKeyHex);
      } else assert.equal(n.signerAddress, undefined);
    }
    assert.equal(new Set(net.nodes.map((n) => n.nodeKeyHex)).size, net.nodes.length);
  });

  it('Besu and geth genesis describe the same chain: chain id, signers, allocations, period, epoch, gas limit, header', () => {
    assert.equal(besu.config.chainId, 46021);
    assert.equal(geth.config.chainId, besu.config.chainId);
    assert.equal(besu.extraData, geth.extraData);
    const signers = cliqueSignersOf(geth.extraData);
    assert.deepEqual(signers, validators.map((v) => v.signerAddress!.toLowerCase()).sort());
    assert.deepEqual(besu.alloc, geth.alloc);
    assert.deepEqual(Object.keys(geth.alloc).sort(), net.accounts.map((a) => a.address.slice(2).toLowerCase()).sort());
    assert.equal(BigInt(geth.alloc['00000000000000000000000000000000000d3a01'].balance), 10n ** 24n);
    assert.equal(besu.config.clique!.blockperiodseconds, 2);
    assert.equal(geth.config.clique!.period, besu.config.clique!.blockperiodseconds);
    assert.equal(geth.config.clique!.epoch, besu.config.clique!.epochlength);
    assert.equal(besu.config.clique!.createemptyblocks, true);
    assert.equal(BigInt(besu.gasLimit), 30_000_000n);
    for (const k of ['gasLimit', 'difficulty', 'timestamp', 'nonce', 'mixHash', 'coinbase', 'baseFeePerGas', 'parentHash']) assert.equal(besu[k], geth[k], k);
    for (const k of Object.keys(geth.config)) if (k.endsWith('Block')) assert.equal(besu.config[k], geth.config[k], k);
  });

  it('QBFT: Besu genesis has the qbft block and RLP extraData of the validators; geth stays a Clique twin', () => {
    const q = generateNetwork({ ...pilotSpec, consensus: 'qbft' }, { seed: 'unit' });
    const g = q.besuGenesis as Genesis;
    assert.equal(g.config.clique, undefined);
    assert.deepEqual(g.config.qbft, { blockperiodseconds: 2, epochlength: 30000, requesttimeoutseconds: 10 });
    assert.equal(g.mixHash, '0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365');
    const [vanity, vals, vote, round, seals] = fromRlp(g.extraData, 'hex') as [Hex, Hex[], Hex[], Hex, Hex[]];
    assert.equal(vanity, `0x${'00'.repeat(32)}`);
    assert.deepEqual(vals, q.nodes.filter((n) => n.role === 'validator').map((n) => n.signerAddress!.toLowerCase()));
    assert.deepEqual([vote, round, seals], [[], '0x', []]);
    assert.match(q.nodes[0].files['config.toml'], /"QBFT"/);
    assert.match(q.dockerCompose, /hyperledger\/besu:26\.8\.0/);
  });

  it('writes a Besu config.toml per node: RPC on the private interface, host allowlist without "*", node allowlist on', () => {
    for (const n of net.nodes) {
      const c = parseToml(n.files['config.toml']) as Record<string, unknown>;
      assert.equal(c['rpc-http-host'], n.host);
      assert.equal(c['p2p-host'], n.host);
      assert.equal(c['p2p-interface'], n.host);
      assert.deepEqual(c['host-allowlist'], ['localhost', '127.0.0.1', n.host]);
      assert.equal(c['permissions-nodes-config-file-enabled'], true);
      assert.equal(c['sync-mode'], 'FULL');
      assert.equal(c['min-gas-price'], 0, 'a free-gas consortium: peers must accept each other\'s relayed transactions');
      assert.deepEqual(c['rpc-http-api'], ['ETH', 'NET', 'WEB3', 'TXPOOL', 'CLIQUE']);
      assert.doesNotMatch(n.files['config.toml'], /0\.0\.0\.0|"\*"/);
      const perm = parseToml(n.files['permissions_config.toml']) as { 'nodes-allowlist': string[] };
      assert.deepEqual(perm['nodes-allowlist'], net.nodes.map((m) => m.enode));
      const peers = JSON.parse(n.files['static-nodes.json']) as string[];
      assert.ok(!peers.includes(n.enode));
      const expected = n.role === 'validator' ? net.nodes.length - 1 : validators.length;
      assert.equal(peers.length, expected, n.name);
      // bootnodes: the spec's (utility-a, utility-b) minus itself
      const boot = (c.bootnodes ?? []) as string[];
      assert.equal(boot.length, n.name === 'utility-a' || n.name === 'utility-b' ? 1 : 2, n.name);
      for (const b of boot) assert.ok(perm['nodes-allowlist'].includes(b), 'bootnodes must be in the allowlist');
    }
  });

  it('docker-compose: pinned Besu 26.2.0, one service per node, RPC published on 127.0.0.1 only', () => {
    const doc = parseYaml(net.dockerCompose) as { services: Record<string, { image: string; ports: string[]; command: string[]; networks: { derchain: { ipv4_address: string } } }> };
    assert.deepEqual(Object.keys(doc.services), net.nodes.map((n) => n.name));
    for (const s of Object.values(doc.services)) {
      assert.equal(s.image, 'hyperledger/besu:26.2.0');
      assert.equal(s.ports.length, 1);
      assert.match(s.ports[0], /^127\.0\.0\.1:\d+:8545$/);
      assert.ok(s.command.includes(`--p2p-host=${s.networks.derchain.ipv4_address}`));
    }
    const composePerm = parseToml(net.composeFiles['permissions_config.toml']) as { 'nodes-allowlist': string[] };
    assert.ok(composePerm['nodes-allowlist'].every((e) => /@172\.30\.99\.\d+:30303$/.test(e)));
  });
});

describe('writeNetwork', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-net-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes keys owner-only (files 0600, dirs 0700), in formats Besu and geth read, and nowhere else', () => {
    const net = generateNetwork(pilotSpec);
    writeNetwork(net, dir);
    for (const n of net.nodes) {
      const keys = join(dir, 'nodes', n.name, 'keys');
      assert.equal(statSync(keys).mode & 0o777, 0o700);
      assert.equal(statSync(join(dir, 'nodes', n.name, 'data')).mode & 0o777, 0o700);
      for (const f of ['key', 'nodekey']) assert.equal(statSync(join(keys, f)).mode & 0o777, 0o600, f);
      assert.equal(readFileSync(join(keys, 'key'), 'utf8'), `0x${n.nodeKeyHex}\n`);
      assert.equal(readFileSync(join(keys, 'nodekey'), 'utf8'), n.nodeKeyHex);
      for (const [f, text] of Object.entries(n.files)) assert.equal(readFileSync(join(dir, 'nodes', n.name, f), 'utf8'), text);
    }
    const secrets = net.nodes.map((n) => n.nodeKeyHex);
    for (const f of walk(dir)) {
      if (f.includes(`${join('/', 'keys')}/`)) continue;
      const text = readFileSync(f, 'utf8').toLowerCase();
      for (const s of secrets) assert.ok(!text.includes(s), `secret key found in ${f}`);
    }
    const summary = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')) as { nodes: { enode: string }[] };
    assert.deepEqual(summary.nodes.map((n) => n.enode), net.nodes.map((n) => n.enode));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'geth', 'genesis.json'), 'utf8')), net.gethGenesis);
  });

  it('refuses to overwrite existing node keys', () => {
    assert.throws(() => writeNetwork(generateNetwork(pilotSpec), dir), /refusing to overwrite node keys/);
  });
});
