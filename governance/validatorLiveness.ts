// Before a validator is added, is it a live node, and what does the change do to the quorum? A
// typo'd or dead validator cannot be undone by governance once too few signers are online, so the
// CLI checks the proposed enode (its node key must be the signer's: derchain's Clique and Besu
// nodes seal with the node key), probes every validator's enode (a peer of the connected node, or
// else a TCP connection to its p2p port from this host), and reports live and dead counts against
// the quorum after the change: Clique keeps sealing while floor(N/2)+1 signers are online, QBFT
// while ceil(2N/3) validators are.
import { Socket } from 'node:net';
import { createPublicClient, getAddress, http, keccak256, type Address, type Hex } from 'viem';
import { assertLoopbackRpc } from '../chain/rpc.js';

export interface EnodeParts {
  /** 128 hex digits: the node's uncompressed public key without 0x04 */
  nodeId: string;
  host: string;
  port: number;
}

/** Parses `enode://<128 hex>@host:port[?discport=N]`; throws with the reason. */
export function parseEnode(url: string): EnodeParts {
  const m = /^enode:\/\/([0-9a-fA-F]{128})@(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})(\?discport=\d{1,5})?$/.exec(url);
  if (!m) throw new Error(`"${url}" is not an enode URL (enode://<128 hex digits>@host:port)`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`"${url}": port ${port} is out of range`);
  return { nodeId: m[1]!.toLowerCase(), host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

/** The address of the node key behind a node id: the signer of a derchain validator. */
export function signerOfNodeId(nodeId: string): Address {
  return getAddress(`0x${keccak256(`0x${nodeId}` as Hex).slice(-40)}`);
}

/** True if a TCP connection to host:port opens within `timeoutMs`. */
export function tcpAnswers(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

/** Node ids the connected node sees: itself and its peers (admin API); undefined when not exposed. */
export async function peerIdsOf(rpcUrl: string): Promise<Set<string> | undefined> {
  assertLoopbackRpc(rpcUrl);
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: 3000 }) });
  try {
    const [self, peers] = await Promise.all([
      client.request({ method: 'admin_nodeInfo' as never, params: [] as never }) as Promise<{ id?: string; enode?: string }>,
      client.request({ method: 'admin_peers' as never, params: [] as never }) as Promise<{ id?: string; enode?: string }[]>,
    ]);
    const ids = new Set<string>();
    for (const p of [self, ...peers]) {
      const fromEnode = p.enode ? /^enode:\/\/([0-9a-fA-F]{128})@/.exec(p.enode)?.[1] : undefined;
      if (fromEnode) ids.add(fromEnode.toLowerCase());
      else if (p.id && /^(0x)?[0-9a-fA-F]{128}$/.test(p.id)) ids.add(p.id.replace(/^0x/, '').toLowerCase());
    }
    return ids;
  } catch {
    return undefined;
  }
}

export type Liveness = 'live' | 'dead' | 'unknown';

export interface EnodeProbe {
  liveness: Liveness;
  /** how it was decided: a peer of the connected node, a TCP connection from here, or no (valid) enode */
  via: 'peer' | 'tcp' | 'none';
}

export async function probeEnode(enode: string, peers: Set<string> | undefined, timeoutMs = 2000): Promise<EnodeProbe> {
  let parts: EnodeParts;
  try {
    parts = parseEnode(enode);
  } catch {
    return { liveness: 'unknown', via: 'none' };
  }
  if (peers?.has(parts.nodeId)) return { liveness: 'live', via: 'peer' };
  return { liveness: (await tcpAnswers(parts.host, parts.port, timeoutMs)) ? 'live' : 'dead', via: 'tcp' };
}

export type Consensus = 'clique' | 'qbft';

/** Validators that must be online for the chain to keep producing blocks. */
export function onlineNeeded(consensus: Consensus, validators: number): number {
  return consensus === 'clique' ? Math.floor(validators / 2) + 1 : Math.ceil((2 * validators) / 3);
}

export interface LivenessReport {
  /** validators after the change */
  total: number;
  live: number;
  dead: number;
  unknown: number;
  /** consensus of the connected node when known; otherwise both are reported */
  consensus?: Consensus;
  needed: Partial<Record<Consensus, number>>;
  /** validators whose enode did not answer (or is missing) */
  notLive: { address: Address; label: string; liveness: Liveness }[];
}

export interface ValidatorEnode {
  address: Address;
  enode: string;
  label: string;
}

/**
 * Probes each validator of the set after the change (current set, plus `adding`, minus
 * `removing`) and counts live, dead and unknown (no enode) against the quorum.
 */
export async function livenessAfterChange(
  current: readonly ValidatorEnode[],
  change: { adding?: ValidatorEnode; removing?: Address },
  options: { rpcUrl: string; consensus?: Consensus; timeoutMs?: number },
): Promise<LivenessReport> {
  const set = current.filter((v) => change.removing === undefined || getAddress(v.address) !== getAddress(change.removing));
  if (change.adding) set.push(change.adding);
  const peers = await peerIdsOf(options.rpcUrl);
  const probes = await Promise.all(set.map((v) => probeEnode(v.enode, peers, options.timeoutMs)));
  const count = (l: Liveness) => probes.filter((p) => p.liveness === l).length;
  const needed: Partial<Record<Consensus, number>> = {};
  for (const c of options.consensus ? [options.consensus] : (['clique', 'qbft'] as const)) needed[c] = onlineNeeded(c, set.length);
  return {
    total: set.length,
    live: count('live'),
    dead: count('dead'),
    unknown: count('unknown'),
    ...(options.consensus ? { consensus: options.consensus } : {}),
    needed,
    notLive: set.flatMap((v, i) => (probes[i]!.liveness === 'live' ? [] : [{ address: v.address, label: v.label, liveness: probes[i]!.liveness }])),
  };
}

/** True when the live validators after the change reach the quorum of every consensus reported. */
export function quorumHolds(report: LivenessReport): boolean {
  return Object.values(report.needed).every((n) => report.live >= n);
}

/** Lines for a person: counts, then the quorum per consensus. */
export function describeLiveness(report: LivenessReport): string {
  const lines = [`validators after this change: ${report.total}; enodes live ${report.live}, dead ${report.dead}, unknown ${report.unknown} (no enode)`];
  for (const [consensus, needed] of Object.entries(report.needed)) {
    const name = consensus === 'clique' ? 'Clique' : 'QBFT';
    const verdict = report.live >= needed ? 'ok' : `AT RISK: ${needed - report.live} more must come online or the chain halts`;
    lines.push(`${name} needs ${needed} of ${report.total} online to keep producing blocks; live now ${report.live}: ${verdict}`);
  }
  return lines.join('\n');
}
