// The relay's NB-IoT / cellular IoT door: a CoAP server (RFC 7252, npm `coap`; block-wise transfer
// per RFC 7959 for messages beyond one block) on which a meter
//   POST /row       payload: a ROW (or JOIN, HEARTBEAT) frame   -> 2.04 with the latest CLEARING
//   GET  /clearing  (?k=<iteration>: that clearing)             -> 2.05 with the CLEARING
//   GET  /participant?address=0x..                              -> 2.05 with its index, u16 (4.04: not in the round)
// so a meter gets the clearing it needs in the piggybacked response of its own submission. The
// device identity is the CoAP client's: `coap-<participant>` here (DTLS/OSCORE identity in a
// deployment, not implemented); the row's EIP-712 signature is what the relay and the contract trust.
import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { isAddress } from 'viem';
import { decodeMessage } from '../radio/frames.js';
import type { GatewayRelay } from './relay.js';

export interface CoapEndpoint {
  port: number;
  close(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1 (or `host`), port 0 = any free port. */
export async function startCoapEndpoint(relay: GatewayRelay, o: { log: Logger; host?: string; port?: number }): Promise<CoapEndpoint> {
  const server: Server = createServer({ type: 'udp4' });
  server.on('request', (req: IncomingMessage, res: OutgoingMessage) => {
    void handle(relay, req, res).catch((e: unknown) => {
      o.log.error({ reason: e instanceof Error ? e.message : String(e) }, 'coap request failed');
      res.code = '5.00';
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve()));
  const addr = (server as unknown as { _sock: { address(): AddressInfo } })._sock.address();
  return { port: addr.port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function handle(relay: GatewayRelay, req: IncomingMessage, res: OutgoingMessage): Promise<void> {
  const url = new URL(req.url, 'coap://meter');
  if (req.method === 'POST' && url.pathname === '/row') {
    const body = new Uint8Array(req.payload);
    let type: string;
    try {
      type = decodeMessage(body).type;
    } catch {
      res.code = '4.00';
      res.end();
      return;
    }
    const participant = type === 'row' ? new DataView(body.buffer, body.byteOffset).getUint16(7) : 0;
    await relay.onUplink(`coap-${participant}`, body);
    await relay.whenIdle();
    res.code = '2.04';
    res.end(Buffer.from(relay.latestClearing ?? new Uint8Array(0)));
    return;
  }
  if (req.method === 'GET' && url.pathname === '/clearing') {
    const k = url.searchParams.get('k');
    const msg = k === null ? relay.latestClearing : await relay.clearingMessageFor(Number(k));
    if (msg === undefined) {
      res.code = '4.04';
      res.end();
      return;
    }
    res.code = '2.05';
    res.end(Buffer.from(msg));
    return;
  }
  if (req.method === 'GET' && url.pathname === '/participant') {
    const address = url.searchParams.get('address') ?? '';
    if (!isAddress(address)) {
      res.code = '4.00';
      res.end();
      return;
    }
    const k = relay.participantIndexOf(address);
    if (k === undefined) {
      res.code = '4.04';
      res.end();
      return;
    }
    res.code = '2.05';
    res.end(Buffer.of(k >> 8, k & 0xff));
    return;
  }
  res.code = '4.04';
  res.end();
}
