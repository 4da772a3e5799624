// Clearing wall time of the pilot (`derchain pilot`, the community pool market: N = 10
// households, T = 24, real agent processes, rows relayed in batches of 10) over real
// four-validator networks with 1 s blocks (QBFT block period 1 s): Besu 26.2.0 Clique, Besu 26.8.0
// QBFT (validators in the genesis) and geth 1.13.15 Clique, side by side, with each network's
// start-up time. Needs the Besu builds and geth (npm run setup:test); a missing client is reported
// and skipped. `npm run bench -- besu`
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadScenario } from '../data/loadScenario.js';
import { startDevnet, type DevnetOptions } from '../network-config/devnet.js';
import { freeDevnetBasePort } from '../network-config/devnetPorts.js';
import { runPoolPilot } from '../operator/poolPilot.js';

const NETWORKS: { label: string; options: Pick<DevnetOptions, 'client' | 'consensus'> }[] = [
  { label: 'Besu 26.2.0 Clique', options: { client: 'besu', consensus: 'clique' } },
  { label: 'Besu 26.8.0 QBFT', options: { client: 'besu', consensus: 'qbft' } },
  { label: 'geth 1.13.15 Clique', options: { client: 'geth' } },
];

export async function run(): Promise<void> {
  const log = pino({ level: 'silent' });
  const { scenario } = loadScenario({ generator: true, prosumers: 10, days: 1 });
  const rows: string[] = [];
  for (const { label, options } of NETWORKS) {
    const dir = mkdtempSync(join(tmpdir(), 'derchain-bench-net-'));
    try {
      const net = await startDevnet({ dir, ...options, validators: 4, periodSeconds: 1, basePort: await freeDevnetBasePort(4) });
      try {
        const r = await runPoolPilot({ scenario, log, rpcUrls: net.rpcUrls, operatorKey: net.fundedKeyHex, blockTime: 1, inMemoryReport: false });
        const launches = (net.launches ?? 1) > 1 ? ` (${net.launches} launches)` : '';
        const row =
          `${label.padEnd(20)} start-up ${net.startupSeconds.toFixed(1).padStart(6)} s${launches} | clearing ${r.seconds.toFixed(1).padStart(6)} s, ` +
          `${r.iterations} iterations, ${r.secondsPerIteration.toFixed(2)} s/iteration, stop rule met ${r.converged}, matchesInMemory ${r.matchesInMemory}`;
        console.log(row);
        rows.push(row);
      } finally {
        await net.stop();
      }
    } catch (err) {
      const row = `${label.padEnd(20)} not run: ${(err as Error).message.split('\n')[0]}`;
      console.log(row);
      rows.push(row);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\npool pilot N=10 T=24 (relayed batches of 10), 4 validators, 1 s blocks; load average ${loadavg()[0]!.toFixed(1)}:\n${rows.join('\n')}`);
}
