// A field gateway as the fleet sees it: the service meters reach (southbound) and the rollout
// controller drives (northbound). Southbound, over HTTP and CoAP (block-wise for the artifact):
// GET /releases/<hash>/release.json, GET /releases/<hash>/artifact, GET /approvals/<hash> (answered
// from the chain through a ReleaseApprovalSource, cached for approvalTtlMs), POST /reports/<meter>.
// Northbound, over HTTP with a bearer token: GET /meters, POST /releases (publish a signed release
// and its artifact), POST /meters/<id>/jobs (install, revert, check-revocation), POST /heartbeat
// (every attached meter checks its running hash against the chain, as on its heartbeat),
// GET /reports. Binds 127.0.0.1 only. In the field the job reaches the meter with its next
// heartbeat; here attached meters are called directly.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as coap from 'coap';
import type { MeterReport } from './gatewayLink.js';
import type { JobResult, MeterSupervisor } from './meterSupervisor.js';
import { assertSha256Hex, type ReleaseApprovalSource, type ReleaseApprovalStatus } from './releaseApproval.js';
import { sha256Hex, type SignedRelease } from './releaseSigning.js';

export type MeterTransport = 'ip' | 'nbiot' | 'lorawan';

export interface MeterInventoryEntry {
  id: string;
  gateway: string;
  transport: MeterTransport;
  activeVersion: string | null;
  activeHash: string | null;
}

export type FleetJob = { action: 'install'; hash: string } | { action: 'revert'; hash: string; reason: string } | { action: 'check-revocation' };

export interface GatewayServiceOptions {
  id: string;
  approvals: ReleaseApprovalSource;
  /** northbound bearer token */
  controlToken: string;
  approvalTtlMs?: number;
}

interface PublishedRelease {
  release: SignedRelease;
  artifact: Uint8Array;
}

export class GatewayService {
  readonly id: string;
  private readonly meters = new Map<string, { supervisor: MeterSupervisor; transport: MeterTransport }>();
  private readonly releases = new Map<string, PublishedRelease>();
  private readonly approvalCache = new Map<string, { at: number; status: ReleaseApprovalStatus }>();
  readonly reports: MeterReport[] = [];
  private http?: Server;
  private coapServer?: ReturnType<typeof coap.createServer>;
  httpUrl = '';
  coapPort = 0;
  /** southbound artifact bytes served, per transport */
  readonly served = { http: 0, coap: 0 };

  constructor(readonly o: GatewayServiceOptions) {
    this.id = o.id;
  }

  attach(supervisor: MeterSupervisor, transport: MeterTransport): void {
    this.meters.set(supervisor.id, { supervisor, transport });
  }

  /** Holds a release for the meters (its artifact must hash to the signed manifest's sha256). */
  publish(release: SignedRelease, artifact: Uint8Array): string {
    const hash = release?.signed?.manifest?.artifact?.sha256;
    if (typeof hash !== 'string') throw new Error('publish: not a signed release');
    if (sha256Hex(artifact) !== hash) throw new Error(`publish: artifact does not hash to ${hash}`);
    this.releases.set(hash, { release, artifact });
    return hash;
  }

  /** Test hook and incident tool: serve different bytes or metadata under a hash. */
  replaceRelease(hash: string, release: unknown, artifact: Uint8Array): void {
    this.releases.set(hash, { release: release as SignedRelease, artifact });
  }

  inventory(): MeterInventoryEntry[] {
    return [...this.meters.values()].map(({ supervisor, transport }) => ({
      id: supervisor.id,
      gateway: this.id,
      transport,
      activeVersion: supervisor.active?.version ?? null,
      activeHash: supervisor.active?.hash ?? null,
    }));
  }

  async approval(hash: string): Promise<ReleaseApprovalStatus> {
    const ttl = this.o.approvalTtlMs ?? 1000;
    const hit = this.approvalCache.get(hash);
    if (hit && Date.now() - hit.at < ttl) return hit.status;
    const status = await this.o.approvals.status(hash);
    this.approvalCache.set(hash, { at: Date.now(), status });
    return status;
  }

  async runJob(meterId: string, job: FleetJob): Promise<JobResult> {
    const m = this.meters.get(meterId);
    if (!m) throw new Error(`gateway ${this.id} has no meter ${meterId}`);
    if (job.action === 'install') return m.supervisor.install(assertSha256Hex(job.hash));
    if (job.action === 'revert') return m.supervisor.revert(job.reason, assertSha256Hex(job.hash));
    return m.supervisor.checkRevocation();
  }

  /** What each meter does on its heartbeat: revert if its running hash was revoked. */
  async heartbeat(): Promise<JobResult[]> {
    this.approvalCache.clear();
    const out: JobResult[] = [];
    for (const { supervisor } of this.meters.values()) out.push(await supervisor.checkRevocation());
    return out;
  }

  // ---- southbound ----

  private async southbound(method: string, path: string, body: string): Promise<{ status: number; type: string; payload: Uint8Array | string } | undefined> {
    let m = /^\/releases\/([0-9a-f]{64})\/(release\.json|artifact)$/.exec(path);
    if (m && method === 'GET') {
      const r = this.releases.get(m[1]!);
      if (!r) return { status: 404, type: 'text/plain', payload: 'no such release' };
      if (m[2] === 'artifact') return { status: 200, type: 'application/octet-stream', payload: r.artifact };
      return { status: 200, type: 'application/json', payload: JSON.stringify(r.release) };
    }
    m = /^\/approvals\/([0-9a-f]{64})$/.exec(path);
    if (m && method === 'GET') return { status: 200, type: 'application/json', payload: JSON.stringify(await this.approval(m[1]!)) };
    m = /^\/reports\/([^/]+)$/.exec(path);
    if (m && method === 'POST') {
      const r = JSON.parse(body) as MeterReport;
      this.reports.push({ ...r, meter: decodeURIComponent(m[1]!) });
      if (this.reports.length > 10_000) this.reports.splice(0, 1000);
      return { status: 204, type: 'text/plain', payload: '' };
    }
    return undefined;
  }

  // ---- northbound ----

  private async northbound(method: string, path: string, body: string): Promise<{ status: number; payload: unknown } | undefined> {
    if (method === 'GET' && path === '/meters') return { status: 200, payload: this.inventory() };
    if (method === 'GET' && path === '/reports') return { status: 200, payload: this.reports };
    if (method === 'POST' && path === '/releases') {
      const p = JSON.parse(body) as { release: SignedRelease; artifact: string };
      return { status: 200, payload: { hash: this.publish(p.release, Buffer.from(p.artifact, 'base64')) } };
    }
    if (method === 'POST' && path === '/heartbeat') return { status: 200, payload: await this.heartbeat() };
    const m = /^\/meters\/([^/]+)\/jobs$/.exec(path);
    if (m && method === 'POST') return { status: 200, payload: await this.runJob(decodeURIComponent(m[1]!), JSON.parse(body) as FleetJob) };
    return undefined;
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const method = req.method ?? 'GET';
    try {
      const south = await this.southbound(method, path, body);
      if (south) {
        if (path.endsWith('/artifact') && south.status === 200) this.served.http += south.payload.length;
        res.writeHead(south.status, { 'content-type': south.type }).end(south.payload);
        return;
      }
      if (req.headers.authorization !== `Bearer ${this.o.controlToken}`) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('northbound calls need the gateway control token');
        return;
      }
      const north = await this.northbound(method, path, body);
      if (!north) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route ${method} ${path}`);
        return;
      }
      res.writeHead(north.status, { 'content-type': 'application/json' }).end(JSON.stringify(north.payload));
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end((err as Error).message);
    }
  }

  /** Starts HTTP (TCP) and CoAP (UDP) on 127.0.0.1, on free ports unless given. */
  async listen(httpPort = 0, coapPort = 0): Promise<void> {
    this.http = createServer((req, res) => void this.onHttp(req, res));
    await new Promise<void>((resolve, reject) => {
      this.http!.once('error', reject);
      this.http!.listen(httpPort, '127.0.0.1', () => resolve());
    });
    this.httpUrl = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    this.coapServer = coap.createServer({ type: 'udp4' }, (req, res) => {
      const path = `/${(req.url ?? '').split('?')[0]!.replace(/^\/+/, '')}`;
      void this.southbound(String(req.method), path, req.payload.toString('utf8')).then(
        (r) => {
          if (!r) {
            res.code = '4.04';
            res.end('no route');
            return;
          }
          res.code = r.status === 200 ? '2.05' : r.status === 204 ? '2.04' : '4.04';
          if (path.endsWith('/artifact') && r.status === 200) this.served.coap += r.payload.length;
          res.end(typeof r.payload === 'string' ? r.payload : Buffer.from(r.payload));
        },
        (err: Error) => {
          res.code = '5.00';
          res.end(err.message);
        },
      );
    });
    await new Promise<void>((resolve) => this.coapServer!.listen(coapPort, '127.0.0.1', () => resolve()));
    const sock = (this.coapServer as unknown as { _sock: { address(): AddressInfo } })._sock;
    this.coapPort = sock.address().port;
  }

  async close(): Promise<void> {
    const closing = new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    await closing;
    await new Promise<void>((resolve) => (this.coapServer ? this.coapServer.close(() => resolve()) : resolve()));
  }
}
