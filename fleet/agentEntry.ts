// Entry point of the bundled agent release (`derchain fleet build`): `node agent.mjs --health-check
// [--data FILE]` answers the supervisor's health check; any other command line runs the prosumer
// agent (node-agent/main.ts). A supervisor that hosts agents in its own process (simulations) sets
// globalThis.__derchainHostedAgent before importing the bundle and calls healthResponder().
import { createHealthResponder, serveHealthOverStdio } from './agentSelfTest.js';
import type { HealthResponder } from './healthProtocol.js';

declare const __DERCHAIN_AGENT_VERSION__: string;

/** The release version, fixed by the bundler (fleet/agentBuild.ts); "0.0.0" when run from source. */
export const AGENT_VERSION: string = typeof __DERCHAIN_AGENT_VERSION__ === 'string' ? __DERCHAIN_AGENT_VERSION__ : '0.0.0';

export function healthResponder(dataFile?: string): HealthResponder {
  return createHealthResponder(AGENT_VERSION, dataFile);
}

const hosted = (globalThis as { __derchainHostedAgent?: boolean }).__derchainHostedAgent === true;
if (!hosted) {
  const i = process.argv.indexOf('--health-check');
  if (i >= 0) {
    const d = process.argv.indexOf('--data');
    await serveHealthOverStdio(healthResponder(d >= 0 ? process.argv[d + 1] : undefined));
  } else {
    await import('../node-agent/main.js');
  }
}
