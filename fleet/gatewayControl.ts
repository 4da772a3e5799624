// The rollout controller's (northbound) client of one gateway: inventory, publishing a release,
// running a job on a meter, asking the meters to heartbeat. Bearer token auth; loopback or tunnel.
import type { FleetJob, MeterInventoryEntry } from './gatewayService.js';
import type { JobResult } from './meterSupervisor.js';
import type { SignedRelease } from './releaseSigning.js';

export class GatewayControl {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`gateway ${this.url}${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  meters(): Promise<MeterInventoryEntry[]> {
    return this.call('GET', '/meters');
  }

  publish(release: SignedRelease, artifact: Uint8Array): Promise<{ hash: string }> {
    return this.call('POST', '/releases', { release, artifact: Buffer.from(artifact).toString('base64') });
  }

  job(meter: string, job: FleetJob): Promise<JobResult> {
    return this.call('POST', `/meters/${encodeURIComponent(meter)}/jobs`, job);
  }

  heartbeat(): Promise<JobResult[]> {
    return this.call('POST', '/heartbeat');
  }
}
