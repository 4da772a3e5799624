// The Clique stall watchdog: against loopback JSON-RPC stand-ins whose heads stopped moving on
// two branches, it rewinds exactly the node off the majority branch by two blocks; nodes that agree
// (a paused chain) or keep moving are left alone.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { majorityHash, startStallWatchdog } from '../../network-config/cliqueStallWatchdog.js';

interface StandIn {
  url: string;
  head: { number: number; hash: string };
  setHeadCalls: string[];
  minerCalls: string[];
  /** admin_removePeer / admin_addPeer calls, as "method enode" */
  peerCalls: string[];
  server: Server;
}

async function standIn(number: number, hash: string): Promise<StandIn> {
  const node: StandIn = { url: '', head: { number, hash }, setHeadCalls: [], minerCalls: [], peerCalls: [], server: createServer() };
  node.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { method, params, id } = JSON.parse(body) as { method: string; params: string[]; id: number };
      let result: unknown = null;
      if (method === 'eth_getBlockByNumber') result = { number: `0x${node.head.number.toString(16)}`, hash: node.head.hash };
      if (method === 'debug_setHead') node.setHeadCalls.push(params[0]);
      if (method === 'miner_stop' || method === 'miner_start') node.minerCalls.push(method);
      if (method === 'admin_removePeer' || method === 'admin_addPeer') node.peerCalls.push(`${method} ${params[0]}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result }));
    });
  });
  await new Promise<void>((r) => node.server.listen(0, '127.0.0.1', () => r()));
  const a = node.server.address();
  node.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  return node;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('network-config: Clique stall watchdog', () => {
  let dir: string;
  let nodes: StandIn[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-watchdog-'));
  });
  afterEach(async () => {
    for (const n of nodes) await new Promise((r) => n.server.close(r));
    nodes = [];
    rmSync(dir, { recursive: true, force: true });
  });
  const watch = (ns: StandIn[]) =>
    startStallWatchdog(
      ns.map((n, i) => ({ name: `v${i}`, rpcUrl: n.url, enode: `enode://v${i}`, running: () => true })),
      { stallMs: 600, everyMs: 100, rewind: 2, resyncMs: 300, logFile: join(dir, 'watchdog.log') },
    );

  it('majorityHash picks the branch most nodes are on, the lowest index on a tie', () => {
    const h = (hash: string) => ({ number: 7n, hash });
    assert.equal(majorityHash([h('a'), h('b'), h('b'), undefined]), 'b');
    assert.equal(majorityHash([h('b'), h('a'), h('a'), h('b')]), 'b');
    assert.equal(majorityHash([undefined]), undefined);
  });

  it('rewinds the minority node of a stalled fork by two blocks, and logs it', async () => {
    nodes = [await standIn(12, '0xaa'), await standIn(12, '0xaa'), await standIn(12, '0xaa'), await standIn(12, '0xbb')];
    const w = watch(nodes);
    await sleep(1500);
    w.stop();
    assert.deepEqual(nodes[3].setHeadCalls.slice(0, 1), ['0xa']);
    assert.deepEqual(nodes[3].minerCalls.slice(0, 2), ['miner_stop', 'miner_start'], 'sealer paused around the rewind');
    // the rewound node reconnects to each majority node (a fresh handshake tells it their heads)
    assert.deepEqual(nodes[3].peerCalls.slice(0, 6), [0, 1, 2].flatMap((k) => [`admin_removePeer enode://v${k}`, `admin_addPeer enode://v${k}`]));
    // the majority keeps its chain; its sealers are (re)started, never stopped
    assert.ok(nodes.slice(0, 3).every((n) => n.setHeadCalls.length === 0 && n.peerCalls.length === 0), 'majority chains untouched');
    assert.ok(nodes.slice(0, 3).every((n) => n.minerCalls.length >= 1 && n.minerCalls.every((m) => m === 'miner_start')), 'majority sealers only started');
    assert.ok(w.interventions() >= 1);
    assert.match(readFileSync(join(dir, 'watchdog.log'), 'utf8'), /v3 at #12 0xbb off the majority head 0xaa; debug_setHead\(10\)/);
  });

  it('leaves a paused chain (all nodes agree) and a moving chain alone', async () => {
    nodes = [await standIn(5, '0x11'), await standIn(5, '0x11'), await standIn(5, '0x22')];
    const paused = watch(nodes.slice(0, 2));
    const mover = setInterval(() => {
      nodes[2].head = { number: nodes[2].head.number + 1, hash: `0x${(nodes[2].head.number + 1).toString(16)}` };
    }, 150);
    const moving = watch(nodes);
    await sleep(1500);
    paused.stop();
    moving.stop();
    clearInterval(mover);
    assert.equal(paused.interventions(), 0);
    assert.equal(moving.interventions(), 0);
    assert.ok(nodes.every((n) => n.setHeadCalls.length === 0));
  });
});
