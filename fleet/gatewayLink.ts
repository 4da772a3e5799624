// How a meter reaches its gateway (fleet/gatewayService.ts): fetch a signed release and its artifact,
// ask whether a hash is approved on chain (the gateway reads the governance contract), and send a
// health report. IP meters use HTTP; NB-IoT meters use CoAP with block-wise transfer (RFC 7959,
// npm coap), which splits the artifact into 1 KiB blocks.
import * as coap from 'coap';
import type { ReleaseApprovalStatus } from './releaseApproval.js';

/** node-coap's largest Block2 size (SZX 6) */
export const COAP_BLOCK_BYTES = 1024;

export interface MeterReport {
  meter: string;
  at: string;
  event: string;
  hash?: string;
  version?: string;
  detail?: string;
}

export interface GatewayLink {
  readonly transport: 'http' | 'coap';
  signedRelease(hash: string): Promise<unknown | undefined>;
  artifact(hash: string): Promise<Uint8Array>;
  approval(hash: string): Promise<ReleaseApprovalStatus>;
  report(report: MeterReport): Promise<void>;
}

export class HttpGatewayLink implements GatewayLink {
  readonly transport = 'http' as const;
  constructor(readonly baseUrl: string) {}

  private async get(path: string): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`);
    if (!res.ok && res.status !== 404) throw new Error(`gateway ${this.baseUrl}${path}: HTTP ${res.status}`);
    return res;
  }

  async signedRelease(hash: string): Promise<unknown | undefined> {
    const res = await this.get(`/releases/${hash}/release.json`);
    return res.status === 404 ? undefined : ((await res.json()) as unknown);
  }

  async artifact(hash: string): Promise<Uint8Array> {
    const res = await this.get(`/releases/${hash}/artifact`);
    if (res.status === 404) throw new Error(`gateway ${this.baseUrl} has no artifact ${hash}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  async approval(hash: string): Promise<ReleaseApprovalStatus> {
    return (await (await this.get(`/approvals/${hash}`)).json()) as ReleaseApprovalStatus;
  }

  async report(report: MeterReport): Promise<void> {
    await fetch(`${this.baseUrl}/reports/${encodeURIComponent(report.meter)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
  }
}

export class CoapGatewayLink implements GatewayLink {
  readonly transport = 'coap' as const;
  /** Block2 blocks of the last artifact download (the library asks for them one by one) */
  lastBlocks = 0;
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  private request(method: 'GET' | 'POST', pathname: string, body?: Buffer): Promise<{ code: string; payload: Buffer; blocks: number }> {
    return new Promise((resolve, reject) => {
      const req = coap.request({ hostname: this.host, port: this.port, pathname, method, confirmable: true });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const payload = Buffer.concat(chunks);
          resolve({ code: String(res.code), payload, blocks: Math.ceil(payload.length / COAP_BLOCK_BYTES) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.on('timeout', () => reject(new Error(`CoAP ${method} ${pathname}: timeout`)));
      req.end(body);
    });
  }

  async signedRelease(hash: string): Promise<unknown | undefined> {
    const r = await this.request('GET', `/releases/${hash}/release.json`);
    if (r.code === '4.04') return undefined;
    if (!r.code.startsWith('2.')) throw new Error(`CoAP gateway: ${r.code}`);
    return JSON.parse(r.payload.toString('utf8')) as unknown;
  }

  async artifact(hash: string): Promise<Uint8Array> {
    const r = await this.request('GET', `/releases/${hash}/artifact`);
    if (!r.code.startsWith('2.')) throw new Error(`CoAP gateway has no artifact ${hash} (${r.code})`);
    this.lastBlocks = r.blocks;
    return new Uint8Array(r.payload);
  }

  async approval(hash: string): Promise<ReleaseApprovalStatus> {
    const r = await this.request('GET', `/approvals/${hash}`);
    if (!r.code.startsWith('2.')) throw new Error(`CoAP gateway: approval ${r.code}`);
    return JSON.parse(r.payload.toString('utf8')) as ReleaseApprovalStatus;
  }

  async report(report: MeterReport): Promise<void> {
    await this.request('POST', `/reports/${encodeURIComponent(report.meter)}`, Buffer.from(JSON.stringify(report)));
  }
}
