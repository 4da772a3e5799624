// The meter's CoAP link to the relay (NB-IoT / LTE-M): POST its frame to /row and take the latest
// clearing from the piggybacked response; GET /clearing?k= for a clearing it has not seen; GET
// /participant?address= for its index in the round.
// Requests larger than `blockSize` go block-wise (RFC 7959 Block1), as over a small NB-IoT MTU.
import { request } from 'coap';

export interface CoapMeterLinkOptions {
  host?: string;
  port: number;
  /** Block1 size exponent: 0..6 for 16..1024-byte blocks (default 2: 64 B) */
  blockSzx?: number;
}

export class CoapMeterLink {
  constructor(private readonly o: CoapMeterLinkOptions) {}

  private send(method: 'GET' | 'POST', pathname: string, query: string | undefined, body?: Uint8Array): Promise<{ code: string; payload: Uint8Array }> {
    return new Promise((resolve, reject) => {
      const req = request({ hostname: this.o.host ?? '127.0.0.1', port: this.o.port, method, pathname, ...(query ? { query } : {}), confirmable: true });
      if (body !== undefined && body.length > 16 << (this.o.blockSzx ?? 2)) req.setOption('Block1', Buffer.of(this.o.blockSzx ?? 2));
      req.on('response', (res) => resolve({ code: res.code, payload: new Uint8Array(res.payload) }));
      req.on('error', reject);
      req.on('timeout', () => reject(new Error(`CoAP ${method} ${pathname} timed out`)));
      req.end(body === undefined ? undefined : Buffer.from(body));
    });
  }

  /** Posts a frame; returns the latest clearing from the piggybacked response (empty: none yet). */
  async post(frame: Uint8Array): Promise<Uint8Array> {
    const r = await this.send('POST', '/row', undefined, frame);
    if (r.code !== '2.04') throw new Error(`CoAP POST /row answered ${r.code}`);
    return r.payload;
  }

  /** This meter's index in the round's participant list, or undefined when it is not in the round. */
  async participant(address: string): Promise<number | undefined> {
    const r = await this.send('GET', '/participant', `address=${address}`);
    if (r.code === '4.04') return undefined;
    if (r.code !== '2.05' || r.payload.length !== 2) throw new Error(`CoAP GET /participant answered ${r.code}`);
    return (r.payload[0]! << 8) | r.payload[1]!;
  }

  /** The clearing of iteration k, or undefined while it is not closed. */
  async clearing(k: number): Promise<Uint8Array | undefined> {
    const r = await this.send('GET', '/clearing', `k=${k}`);
    if (r.code === '4.04') return undefined;
    if (r.code !== '2.05') throw new Error(`CoAP GET /clearing answered ${r.code}`);
    return r.payload;
  }
}
