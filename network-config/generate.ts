// From one consortium description to every file the network needs: per-node keys and enode URLs,
// validator signing accounts, Besu genesis/config.toml/static nodes/allowlist, a docker-compose.yml,
// and the same chain in geth 1.13's genesis dialect. `writeNetwork` puts them on disk with the
// secrets (node keys) owner-only in per-node keys/ directories; nothing secret is ever logged.
//
// Besu signs Clique and QBFT blocks with the node key (Besu docs, Clique and QBFT tutorials: the
// signer is the address of the node's key), so a validator's signing account is its node key's
// address; the geth devnet imports that same key as the unlocked sealing account.
import { DerchainInputError } from '../errors/inputError.js';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { staticNodesJson, besuConfigToml, permissionsConfigToml, staticPeersOf, type NodeEndpoint } from './besuNodeFiles.js';
import { composeLayoutOf, dockerComposeYaml } from './dockerCompose.js';
import { besuGenesisOf, gethGenesisOf } from './genesis.js';
import { addressOf, derivedPrivateKey, enodeUrl, nodeIdOf, randomPrivateKey } from './keys.js';
import type { ConsortiumSpec } from './spec.js';

export interface GeneratedNode {
  name: string;
  role: 'validator' | 'member';
  host: string;
  region?: string;
  p2pPort: number;
  rpcPort: number;
  /** Secret. 64 hex chars, no 0x. */
  nodeKeyHex: string;
  enode: string;
  signerAddress?: `0x${string}`;
  /** Secret. Same key as nodeKeyHex (Besu signs with its node key). */
  signerKeyHex?: string;
  /** Non-secret per-node files, relative to the node directory. */
  files: Record<string, string>;
}

export interface GeneratedNetwork {
  spec: ConsortiumSpec;
  nodes: GeneratedNode[];
  besuGenesis: object;
  gethGenesis: object;
  dockerCompose: string;
  /** Non-secret files shared by the docker-compose setup (relative to compose/). */
  composeFiles: Record<string, string>;
  accounts: { address: `0x${string}`; balanceWei: string }[];
}

export interface GenerateOptions {
  /** Derive keys from this seed (a 32-byte random secret in production, e.g. infra's keySeed; a short public seed in tests); random keys otherwise. */
  seed?: string;
}

export function generateNetwork(spec: ConsortiumSpec, opts: GenerateOptions = {}): GeneratedNetwork {
  const described = [
    ...spec.validators.map((n) => ({ ...n, role: 'validator' as const })),
    ...spec.members.map((n) => ({ ...n, role: 'member' as const })),
  ];
  const keyed = described.map((n) => {
    const nodeKeyHex = opts.seed !== undefined ? derivedPrivateKey(opts.seed, `node:${n.name}`) : randomPrivateKey();
    const nodeId = nodeIdOf(nodeKeyHex);
    return { ...n, nodeKeyHex, nodeId, enode: enodeUrl(nodeId, n.host, n.p2pPort) };
  });
  const endpoints: NodeEndpoint[] = keyed.map((n) => ({ name: n.name, role: n.role, host: n.host, p2pPort: n.p2pPort, rpcPort: n.rpcPort, enode: n.enode }));
  const validatorAddresses = keyed.filter((n) => n.role === 'validator').map((n) => addressOf(n.nodeKeyHex));
  const accounts = spec.accounts.map((a) => ({ address: a.address as `0x${string}`, balanceWei: a.balance }));
  const genesisValidators = keyed
    .filter((n) => n.role === 'validator')
    .map((n) => ({ address: addressOf(n.nodeKeyHex), enode: n.enode, name: n.name }));
  const besuGenesis = besuGenesisOf(spec, genesisValidators, accounts);
  const gethGenesis = gethGenesisOf(spec, validatorAddresses, accounts);
  const genesisText = JSON.stringify(besuGenesis, null, 2) + '\n';
  const permissions = permissionsConfigToml(endpoints);

  const nodes: GeneratedNode[] = keyed.map((n, i) => {
    const self = endpoints[i];
    const node: GeneratedNode = {
      name: n.name,
      role: n.role,
      host: n.host,
      ...(n.region !== undefined ? { region: n.region } : {}),
      p2pPort: n.p2pPort,
      rpcPort: n.rpcPort,
      nodeKeyHex: n.nodeKeyHex,
      enode: n.enode,
      files: {
        'config.toml': besuConfigToml(spec, self, endpoints),
        'genesis.json': genesisText,
        'static-nodes.json': staticNodesJson(staticPeersOf(self, endpoints)),
        'permissions_config.toml': permissions,
      },
    };
    if (n.role === 'validator') {
      node.signerAddress = addressOf(n.nodeKeyHex);
      node.signerKeyHex = n.nodeKeyHex;
    }
    return node;
  });

  const layout = composeLayoutOf(keyed.map((n, i) => ({ ...endpoints[i], nodeId: n.nodeId })));
  const composeFiles: Record<string, string> = { 'permissions_config.toml': permissionsConfigToml(layout.endpoints) };
  for (const [name, peers] of Object.entries(layout.staticPeers)) composeFiles[`static-nodes-${name}.json`] = staticNodesJson(peers);

  return { spec, nodes, besuGenesis, gethGenesis, dockerCompose: dockerComposeYaml(spec, layout), composeFiles, accounts };
}

/** Non-secret summary of a generated network (what `network generate` prints with --json). */
export function networkSummary(net: GeneratedNetwork): object {
  return {
    name: net.spec.name,
    chainId: net.spec.chainId,
    consensus: net.spec.consensus,
    blockPeriodSeconds: net.spec.blockPeriodSeconds,
    nodes: net.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      host: n.host,
      ...(n.region !== undefined ? { region: n.region } : {}),
      enode: n.enode,
      ...(n.signerAddress !== undefined ? { signerAddress: n.signerAddress } : {}),
    })),
    accounts: net.accounts,
  };
}

function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

function writePublic(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o644 });
}

/** Secrets are created exclusively (never silently replaced) and owner-only. */
function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

/**
 * Layout:
 *   network.json, docker-compose.yml, besu/genesis.json, geth/genesis.json, compose/*
 *   nodes/<name>/{config.toml, genesis.json, static-nodes.json, permissions_config.toml}
 *   nodes/<name>/keys/key      Besu node-private-key-file (0x-hex)       0600, dir 0700
 *   nodes/<name>/keys/nodekey  geth --nodekey format (hex, no 0x)        0600
 *   nodes/<name>/data/         empty data directory                      0700
 * Refuses to write into a directory that already holds keys for one of the nodes.
 */
export function writeNetwork(net: GeneratedNetwork, outDir: string): void {
  for (const n of net.nodes) {
    const existing = join(outDir, 'nodes', n.name, 'keys');
    if (existsSync(existing)) throw new DerchainInputError('already exists: refusing to overwrite node keys (choose another --out)', { file: existing, field: 'out' });
  }
  mkdirSync(outDir, { recursive: true });
  for (const sub of ['besu', 'geth', 'compose', 'nodes']) mkdirSync(join(outDir, sub), { recursive: true });
  writePublic(join(outDir, 'network.json'), JSON.stringify(networkSummary(net), null, 2) + '\n');
  writePublic(join(outDir, 'besu', 'genesis.json'), JSON.stringify(net.besuGenesis, null, 2) + '\n');
  writePublic(join(outDir, 'geth', 'genesis.json'), JSON.stringify(net.gethGenesis, null, 2) + '\n');
  writePublic(join(outDir, 'docker-compose.yml'), net.dockerCompose);
  for (const [f, text] of Object.entries(net.composeFiles)) writePublic(join(outDir, 'compose', f), text);
  for (const n of net.nodes) {
    const dir = join(outDir, 'nodes', n.name);
    mkdirSync(dir, { recursive: true });
    for (const [f, text] of Object.entries(n.files)) writePublic(join(dir, f), text);
    mkdirPrivate(join(dir, 'keys'));
    mkdirPrivate(join(dir, 'data'));
    writeSecret(join(dir, 'keys', 'key'), `0x${n.nodeKeyHex}\n`);
    writeSecret(join(dir, 'keys', 'nodekey'), n.nodeKeyHex);
  }
}
