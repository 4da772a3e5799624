// Test support: a JSON-RPC proxy on 127.0.0.1 in front of a real node that injects the failures a
// meter's link produces: requests refused with HTTP 503 before they reach the node, and
// transactions that reach the node but whose answer is lost (HTTP 502 or a dropped connection).
// The schedule is deterministic (request counters), so a run is reproducible.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultCounts {
  forwarded: number;
  refused: number;
  sendsLost: number;
  sends: number;
}

export interface FaultyRpcProxy {
  url: string;
  counts: FaultCounts;
  close(): Promise<void>;
}

export interface FaultSchedule {
  /** refuse every k-th request (not forwarded), 0: never */
  refuseEvery: number;
  /** lose the answer of every k-th eth_sendRawTransaction (it is forwarded and executed), 0: never */
  loseSendEvery: number;
  /** change a forwarded answer (JSON text) before it goes back, e.g. a stale nonce */
  rewriteAnswer?: (request: string, answer: string) => string;
}

export async function startFaultyRpcProxy(target: string, schedule: FaultSchedule): Promise<FaultyRpcProxy> {
  const counts: FaultCounts = { forwarded: 0, refused: 0, sendsLost: 0, sends: 0 };
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        requests++;
        const isSend = /"method"\s*:\s*"eth_sendRawTransaction"/.test(body);
        if (!isSend && schedule.refuseEvery > 0 && requests % schedule.refuseEvery === 0) {
          counts.refused++;
          res.writeHead(503, { 'content-type': 'text/plain' }).end('injected: service unavailable');
          return;
        }
        const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await upstream.text();
        const answer = schedule.rewriteAnswer ? schedule.rewriteAnswer(body, text) : text;
        counts.forwarded++;
        if (isSend) {
          counts.sends++;
          if (schedule.loseSendEvery > 0 && counts.sends % schedule.loseSendEvery === 0) {
            counts.sendsLost++;
            // alternate the two ways an answer gets lost: a gateway error and a dropped connection
            if (counts.sendsLost % 2 === 1) res.writeHead(502, { 'content-type': 'text/plain' }).end('injected: answer lost');
            else res.socket?.destroy();
            return;
          }
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(answer);
      })().catch(() => res.socket?.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
