// docker-compose.yml that starts the whole consortium on one machine with Docker: one Besu
// container per node on a private bridge network with fixed addresses. Each container reads its
// node directory (config.toml, genesis.json, keys/) at BESU_NODE_HOME; the command line overrides
// the cloud addresses with the compose addresses (static nodes and allowlist in compose/).
// JSON-RPC is published on the Docker host's loopback only (127.0.0.1:<port>).
import { stringify } from 'yaml';
import { BESU_NODE_HOME, bootnodeEnodesOf, staticPeersOf, type NodeEndpoint } from './besuNodeFiles.js';
import { besuImageOf } from './besuRelease.js';
import { enodeUrl } from './keys.js';
import type { ConsortiumSpec } from './spec.js';

export const COMPOSE_SUBNET_PREFIX = '172.30.99';
export const COMPOSE_HOST_RPC_BASE = 8545;
const CONTAINER_P2P_PORT = 30303;
const CONTAINER_RPC_PORT = 8545;

export interface ComposeLayout {
  /** Node endpoints as seen inside the compose network. */
  endpoints: NodeEndpoint[];
  /** Per node name: static-nodes.json peers inside the compose network. */
  staticPeers: Record<string, string[]>;
}

export function composeLayoutOf(nodes: readonly (NodeEndpoint & { nodeId: string })[]): ComposeLayout {
  const endpoints = nodes.map((n, i) => ({
    ...n,
    host: `${COMPOSE_SUBNET_PREFIX}.${10 + i}`,
    p2pPort: CONTAINER_P2P_PORT,
    rpcPort: CONTAINER_RPC_PORT,
    enode: enodeUrl(n.nodeId, `${COMPOSE_SUBNET_PREFIX}.${10 + i}`, CONTAINER_P2P_PORT),
  }));
  const staticPeers = Object.fromEntries(endpoints.map((e) => [e.name, staticPeersOf(e, endpoints)]));
  return { endpoints, staticPeers };
}

export function dockerComposeYaml(spec: ConsortiumSpec, layout: ComposeLayout): string {
  const services: Record<string, unknown> = {};
  layout.endpoints.forEach((e, i) => {
    const boot = bootnodeEnodesOf(spec, layout.endpoints, e.name);
    services[e.name] = {
      image: besuImageOf(spec),
      // Run as the owner of the node directory so the 0600 key stays readable without chown.
      user: '${DERCHAIN_UID:-1000}:${DERCHAIN_GID:-1000}',
      command: [
        `--config-file=${BESU_NODE_HOME}/config.toml`,
        `--p2p-host=${e.host}`,
        `--p2p-interface=${e.host}`,
        `--p2p-port=${CONTAINER_P2P_PORT}`,
        // Inside the container; the port is published on the host's loopback only (ports below).
        '--rpc-http-host=0.0.0.0',
        `--rpc-http-port=${CONTAINER_RPC_PORT}`,
        '--host-allowlist=localhost,127.0.0.1',
        `--static-nodes-file=${BESU_NODE_HOME}/compose/static-nodes-${e.name}.json`,
        `--permissions-nodes-config-file=${BESU_NODE_HOME}/compose/permissions_config.toml`,
        ...(boot.length > 0 ? [`--bootnodes=${boot.join(',')}`, '--discovery-enabled=true'] : ['--discovery-enabled=false']),
      ],
      volumes: [`./nodes/${e.name}:${BESU_NODE_HOME}`, `./compose:${BESU_NODE_HOME}/compose:ro`],
      ports: [`127.0.0.1:${COMPOSE_HOST_RPC_BASE + i}:${CONTAINER_RPC_PORT}`],
      networks: { derchain: { ipv4_address: e.host } },
      restart: 'unless-stopped',
    };
  });
  const doc = {
    name: `derchain-${spec.name}`,
    services,
    networks: {
      derchain: { driver: 'bridge', ipam: { config: [{ subnet: `${COMPOSE_SUBNET_PREFIX}.0/24` }] } },
    },
  };
  const head =
    `# Consortium "${spec.name}" (chain ${spec.chainId}, ${spec.consensus}) on one Docker host.\n` +
    '# Start: DERCHAIN_UID=$(id -u) DERCHAIN_GID=$(id -g) docker compose up -d\n' +
    layout.endpoints.map((e, i) => `#   ${e.name} (${e.role}): JSON-RPC http://127.0.0.1:${COMPOSE_HOST_RPC_BASE + i}`).join('\n') +
    '\n';
  return head + stringify(doc);
}
