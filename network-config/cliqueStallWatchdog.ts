// Breaks Clique's known fork deadlock on the local devnet. When two groups of validators seal
// competing blocks of equal total difficulty, each node keeps its own branch, and on each branch
// the validators allowed to seal next (those that did not sign the last N/2 blocks) are the ones
// following the other branch: nobody seals again ("signed recently, must wait for others"). A
// loaded 2-core machine with 1 s blocks meets this now and then. The watchdog notices heads that
// stopped moving while nodes disagree, and rewinds the nodes off the majority branch by two blocks
// (debug_setHead, loopback only) with their sealer paused (miner_stop): otherwise they would seal
// a fresh branch of their own at once. They reconnect to the majority's nodes, import the majority
// branch from them, then seal again (miner_start). Every intervention is logged to the devnet's log.
import { appendFileSync } from 'node:fs';
import { rpcCall } from '../chain/rpc.js';

export interface WatchedNode {
  name: string;
  rpcUrl: string;
  running: () => boolean;
  /** the node's enode URL: a rewound node reconnects to the majority's nodes by it */
  enode?: string;
}

export interface StallWatchdogOptions {
  /** how long heads may stand still while nodes disagree, ms */
  stallMs: number;
  /** poll period, ms */
  everyMs: number;
  /** blocks to rewind the minority nodes */
  rewind: number;
  /** file to append interventions to */
  logFile: string;
  /** how long a rewound node may take to import the majority branch before it seals again, ms */
  resyncMs: number;
}

interface Head {
  number: bigint;
  hash: string;
}

async function headOf(url: string): Promise<Head | undefined> {
  try {
    const b = await rpcCall<{ number: string; hash: string } | null>(url, 'eth_getBlockByNumber', ['latest', false], 2000);
    return b ? { number: BigInt(b.number), hash: b.hash } : undefined;
  } catch {
    return undefined;
  }
}

/** The hash most nodes are on (ties: the one of the lowest node index). */
export function majorityHash(heads: readonly (Head | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const h of heads) if (h) counts.set(h.hash, (counts.get(h.hash) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const h of heads) {
    if (!h) continue;
    const c = counts.get(h.hash)!;
    if (c > bestCount) {
      best = h.hash;
      bestCount = c;
    }
  }
  return best;
}

export function startStallWatchdog(nodes: readonly WatchedNode[], o: StallWatchdogOptions): { stop(): void; interventions(): number } {
  let lastKey = '';
  let lastChange = Date.now();
  let count = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const live = nodes.filter((n) => n.running());
      const heads = await Promise.all(live.map((n) => headOf(n.rpcUrl)));
      const key = heads.map((h) => h?.hash ?? '-').join(',');
      const now = Date.now();
      if (key !== lastKey) {
        lastKey = key;
        lastChange = now;
        return;
      }
      const distinct = new Set(heads.filter((h): h is Head => h !== undefined).map((h) => h.hash));
      if (now - lastChange < o.stallMs || distinct.size < 2) return;
      const winner = majorityHash(heads);
      const winnerHead = heads.find((h) => h?.hash === winner);
      const losers = live.filter((_, k) => heads[k] !== undefined && heads[k]!.hash !== winner);
      for (const node of losers) {
        const h = heads[live.indexOf(node)]!;
        const target = h.number > BigInt(o.rewind) ? h.number - BigInt(o.rewind) : 0n;
        appendFileSync(o.logFile, `${new Date().toISOString()} clique stall: ${node.name} at #${h.number} ${h.hash} off the majority head ${winner}; debug_setHead(${target})\n`);
        await rpcCall(node.rpcUrl, 'miner_stop', []).catch(() => undefined);
        await rpcCall(node.rpcUrl, 'debug_setHead', [`0x${target.toString(16)}`]).catch(() => undefined);
        count++;
      }
      // A rewound node learns of the majority's head only from a peer's handshake or a block
      // announcement, and geth syncs towards a peer only if it knows that peer's chain to be heavier
      // (with fewer than five peers, only in its forced sync every 10 s). A stalled majority
      // announces nothing, so the rewound node reconnects to its nodes: the new handshake carries
      // their heads, and the next forced sync imports the majority branch.
      const winners = live.filter((_, k) => heads[k]?.hash === winner && live[k]!.enode !== undefined);
      for (const node of losers) {
        for (const w of winners) {
          await rpcCall(node.rpcUrl, 'admin_removePeer', [w.enode]).catch(() => undefined);
          await rpcCall(node.rpcUrl, 'admin_addPeer', [w.enode]).catch(() => undefined);
        }
      }
      // let the rewound nodes import the majority branch, then let them seal again
      const deadline = Date.now() + o.resyncMs;
      for (const node of losers) {
        while (Date.now() < deadline) {
          const h = await headOf(node.rpcUrl);
          if (h && winnerHead && h.number >= winnerHead.number) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        await rpcCall(node.rpcUrl, 'miner_start', []).catch(() => undefined);
      }
      // a node whose sealer a sync paused (geth stops mining while its downloader runs) seals again
      for (const node of live) if (!losers.includes(node)) await rpcCall(node.rpcUrl, 'miner_start', []).catch(() => undefined);
      lastChange = Date.now();
    })().finally(() => {
      busy = false;
    });
  }, o.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer), interventions: () => count };
}
