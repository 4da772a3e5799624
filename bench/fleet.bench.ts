// Fleet figures: agent build time and bundle size, reproducibility, the LoRaWAN delivery of that
// bundle (and of 100 KiB) at SF7/SF9/SF12, and the per-meter install time (verify, approval read,
// download over HTTP, slot write, health check with a local solve) for 20 meters hosted in-process.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HostedAgentRunner } from '../fleet/agentRunner.js';
import { buildAgentRelease } from '../fleet/agentBuild.js';
import { HttpGatewayLink } from '../fleet/gatewayLink.js';
import { GatewayService } from '../fleet/gatewayService.js';
import { describeEstimate, estimateLoraDelivery } from '../fleet/loraDelivery.js';
import { MeterSupervisor } from '../fleet/meterSupervisor.js';
import { buildSigned, MemoryApprovals, releaseWorkspace } from '../tests/fleet/releaseFixtures.js';

export async function run(): Promise<void> {
  const { root, key } = releaseWorkspace();
  try {
    let t = performance.now();
    const r = await buildSigned(root, key, '1.0.0');
    console.log(`build: ${((performance.now() - t) / 1000).toFixed(1)} s, agent.mjs ${r.manifest.artifact.size} bytes, sha256 ${r.hash.slice(0, 16)}…`);
    const again = await buildAgentRelease({ version: '1.0.0', outDir: join(root, 'again') });
    console.log(`rebuild from the same sources: ${again.manifest.artifact.sha256 === r.hash ? 'same sha256' : 'DIFFERENT sha256'}`);
    for (const [bytes, what] of [[r.manifest.artifact.size, 'agent bundle'], [100 * 1024, '100 KiB']] as const)
      for (const sf of [7, 9, 12]) console.log(`LoRaWAN ${what}: ${describeEstimate(estimateLoraDelivery({ imageBytes: bytes, redundancyPercent: 10, spreadingFactor: sf, windowHours: 24 }))}`);
    const approvals = new MemoryApprovals();
    approvals.approved.add(r.hash);
    const gw = new GatewayService({ id: 'bench', approvals, controlToken: 'x' });
    await gw.listen();
    gw.publish(r.signed, readFileSync(r.artifactFile));
    const runner = new HostedAgentRunner();
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const m = new MeterSupervisor({ meterId: `m${i}`, dir: join(root, `m${i}`), trustedKeys: [key.publicKey], gateway: new HttpGatewayLink(gw.httpUrl), runner });
      t = performance.now();
      const res = await m.install(r.hash);
      times.push(performance.now() - t);
      if (res.outcome !== 'installed') throw new Error(`install failed: ${JSON.stringify(res)}`);
    }
    await gw.close();
    times.sort((a, b) => a - b);
    console.log(`install per meter (hosted health check), 20 meters: median ${times[10]!.toFixed(0)} ms, max ${times[19]!.toFixed(0)} ms (the first includes loading the bundle)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
