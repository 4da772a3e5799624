// Port ranges for the local devnet: node i uses base+i (P2P), base+100+i (HTTP JSON-RPC) and
// base+200+i (auth RPC), all on 127.0.0.1. Finding a base whose whole range is free lets several
// devnets (tests, a user's own) run side by side.
import { createServer } from 'node:net';

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
