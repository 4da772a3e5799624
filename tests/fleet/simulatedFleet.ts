// Test support: a simulated fleet. Gateways (real HTTP and CoAP servers on 127.0.0.1) with meters
// attached, each meter a MeterSupervisor with its own A/B slot directory, reaching its gateway over
// HTTP (IP meters) or CoAP (NB-IoT meters). Most meters host their agent's health check in this
// process (HostedAgentRunner: the real bundle, imported once per hash); the first `processMeters`
// meters of each gateway start the bundle as a real child process (ProcessAgentRunner).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostedAgentRunner, ProcessAgentRunner, type HealthLimits } from '../../fleet/agentRunner.js';
import { CoapGatewayLink, HttpGatewayLink } from '../../fleet/gatewayLink.js';
import { GatewayService, type MeterTransport } from '../../fleet/gatewayService.js';
import { MeterSupervisor } from '../../fleet/meterSupervisor.js';
import type { ReleaseApprovalSource } from '../../fleet/releaseApproval.js';

export interface FleetOptions {
  gateways: number;
  metersPerGateway: number;
  /** meters per gateway whose health check runs the bundle as a child process */
  processMeters?: number;
  /** meters per gateway on NB-IoT (CoAP), taken after the process meters */
  coapMeters?: number;
  approvals: ReleaseApprovalSource;
  trustedKeys: Uint8Array[];
  token: string;
  limits?: Partial<HealthLimits>;
}

export interface SimulatedFleet {
  dir: string;
  gateways: GatewayService[];
  meters: MeterSupervisor[];
  close(): Promise<void>;
}

export async function startFleet(o: FleetOptions): Promise<SimulatedFleet> {
  const dir = mkdtempSync(join(tmpdir(), 'derchain-fleet-'));
  const gateways: GatewayService[] = [];
  const meters: MeterSupervisor[] = [];
  const hosted = new HostedAgentRunner();
  const processRunner = new ProcessAgentRunner();
  for (let g = 0; g < o.gateways; g++) {
    const gw = new GatewayService({ id: `gw${g}`, approvals: o.approvals, controlToken: o.token, approvalTtlMs: 200 });
    await gw.listen();
    gateways.push(gw);
    for (let i = 0; i < o.metersPerGateway; i++) {
      const isProcess = i < (o.processMeters ?? 0);
      const transport: MeterTransport = !isProcess && i < (o.processMeters ?? 0) + (o.coapMeters ?? 0) ? 'nbiot' : 'ip';
      const id = `g${g}-m${String(i).padStart(3, '0')}`;
      const supervisor = new MeterSupervisor({
        meterId: id,
        dir: join(dir, id),
        trustedKeys: o.trustedKeys,
        gateway: transport === 'nbiot' ? new CoapGatewayLink('127.0.0.1', gw.coapPort) : new HttpGatewayLink(gw.httpUrl),
        runner: isProcess ? processRunner : hosted,
        ...(o.limits ? { limits: o.limits } : {}),
      });
      gw.attach(supervisor, transport);
      meters.push(supervisor);
    }
  }
  return {
    dir,
    gateways,
    meters,
    async close() {
      for (const g of gateways) await g.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
