// Port ranges for the local devnet: node i uses base+i (P2P), base+100+i (HTTP JSON-RPC) and
// base+200+i (auth RPC), all on 127.0.0.1. Finding a base whose whole range is free lets several
// devnets (tests, a user's own) run side by side.
import { createServer } from 'node:net';
import { DerchainError } from '../errors/base.js';

/** Offsets of the three ports of node i from the base port. */
export const DEVNET_PORT_OFFSETS = [0, 100, 200] as const;

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port B in [33000, 58000) with all of B+i, B+100+i, B+200+i free for i < nodes (random start, retried). */
export async function freeDevnetBasePort(nodes: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 33000 + Math.floor(Math.random() * 250) * 100;
    const ports = DEVNET_PORT_OFFSETS.flatMap((o) => Array.from({ length: nodes }, (_, i) => base + o + i));
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base;
  }
  throw new Error('no free devnet port range found on 127.0.0.1');
}

/** A devnet node's port is held by another process (say, a devnet whose state file was deleted). */
export class DevnetPortBusyError extends DerchainError {
  override name = 'DevnetPortBusyError';
  constructor(
    readonly node: string,
    readonly port: number,
    readonly role: string,
  ) {
    super(`port ${port} (${node}'s ${role}) on 127.0.0.1 is in use by another process; no node was started`, {
      metaMessages: ['Stop what holds it (another devnet: `derchain devnet down --dir <its dir>`) or choose other ports with --base-port.'],
    });
  }
}

/**
 * Refuses to launch nodes whose ports another process holds. Without this a node would die at
 * start-up while the other process answered its RPC port in its place.
 */
export async function assertNodePortsFree(nodes: readonly { name: string; p2pPort: number; httpPort: number; authPort: number }[], thirdPort = 'auth RPC'): Promise<void> {
  for (const n of nodes) {
    for (const [role, port] of [['P2P', n.p2pPort], ['JSON-RPC', n.httpPort], [thirdPort, n.authPort]] as const) {
      if (!(await portIsFree(port))) throw new DevnetPortBusyError(n.name, port, role);
    }
  }
}
