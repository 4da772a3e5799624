// The meter-side agent as its own process over CoAP (node-agent/meterMain.ts): three meter
// processes, each with its own keystore and data file, clear a pool round through the gateway
// relay's CoAP endpoint and give the in-memory engine's integers; no key reaches their logs; bad
// input (a transport it cannot run, a missing file, a key not in the round) exits 2.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runPool, setupPool } from '../../admm/poolEngine.js';
import { decodeRow } from '../../contracts/poolRow.js';
import { loadScenario } from '../../data/loadScenario.js';
import { startCoapEndpoint, type CoapEndpoint } from '../../gateway/coapEndpoint.js';
import { InMemoryPoolChain } from '../../gateway/poolChainPort.js';
import { GatewayRelay } from '../../gateway/relay.js';
import { agentDataOf, writeAgentData } from '../../node-agent/agentData.js';
import { createKeystore, unlockKeystore } from '../../node-agent/keystore.js';

const MAIN = join(import.meta.dirname, '../../node-agent/meterMain.ts');

function runMeter(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('node agent: the meter process over CoAP', function () {
  this.timeout(240_000);
  let dir: string;
  let endpoint: CoapEndpoint | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-meter-'));
  });
  after(async () => {
    await endpoint?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('three meter processes clear the round through the relay: the engine\'s integers, no key logged', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 3, days: 1, seed: 5 });
    const password = join(dir, 'password');
    writeFileSync(password, 'meter test password\n', { mode: 0o600 });
    const households = await Promise.all(
      scenario.prosumers.map(async (_, i) => {
        const ks = await createKeystore(dir, `meter-${i}`, 'meter test password', 1024);
        const data = join(dir, `meter-${i}.data.json`);
        writeAgentData(data, agentDataOf(scenario, i));
        return { ...ks, data };
      }),
    );
    const problem = setupPool(scenario, { centralized: false });
    const chain = new InMemoryPoolChain(7n, problem.config, households.map((h) => h.address), problem.startPrices());
    const relay = new GatewayRelay({ chain, log: pino({ level: 'silent' }), downlink: { broadcast: async () => undefined, sendTo: async () => undefined }, deadlineMs: 600_000 });
    await relay.start(7n);
    endpoint = await startCoapEndpoint(relay, { log: pino({ level: 'silent' }) });
    const common = ['--transport', 'coap', '--gateway', `127.0.0.1:${endpoint.port}`, '--chain-id', String(chain.domain.chainId), '--contract', chain.domain.contract, '--password-file', password, '--poll-ms', '20'];
    const runs = await Promise.all(households.map((h, i) => runMeter([...common, '--keystore', h.file, '--data', h.data, '--name', `meter-${i}`])));
    for (const [i, r] of runs.entries()) assert.equal(r.code, 0, `meter ${i}: ${r.stderr.slice(-1500)}`);

    const ref = runPool(scenario, { centralized: false });
    const prog = await chain.progress(7n);
    assert.equal(prog.iteration, ref.iterations);
    assert.deepEqual(Array.from((await chain.clearing(7n, prog.iteration)).prices).map(String), ref.pool.fixed.prices.map(String));
    const rows = households.map((_, i) => Array.from(decodeRow(relay.store.state.lastRows[String(i)] as `0x${string}`)));
    assert.deepEqual(rows, ref.pool.fixed.rows);
    for (const [i, r] of runs.entries()) {
      assert.match(r.stderr, /"msg":"round over"/);
      const key = await unlockKeystore(households[i]!.file, password);
      assert.ok(!r.stderr.includes(key.privateKey.slice(2)), `meter ${i} logged its key`);
    }
    console.log(`      3 meter processes over CoAP: ${prog.iteration} iterations, ${relay.stats.rowsAccepted} rows relayed`);
  });

  it('bad input exits 2 naming the field, before it talks to the gateway', async () => {
    const base = ['--gateway', '127.0.0.1:9', '--chain-id', '1', '--contract', '0x00000000000000000000000000000000000d3c01', '--password-file', join(dir, 'password'), '--keystore', join(dir, 'meter-0.json'), '--data', join(dir, 'meter-0.data.json')];
    const lorawan = await runMeter(['--transport', 'lorawan', ...base]);
    assert.equal(lorawan.code, 2);
    assert.match(lorawan.stderr, /field transport.*LoRa radio|LoRa radio.*transport/s);
    const noData = await runMeter(['--transport', 'coap', ...base.slice(0, -1), join(dir, 'nothing.json')]);
    assert.equal(noData.code, 2);
    assert.match(noData.stderr, /no file .*nothing\.json/);
    const badGateway = await runMeter(['--transport', 'coap', ...base.map((a) => (a === '127.0.0.1:9' ? 'gateway.example' : a))]);
    assert.equal(badGateway.code, 2);
    assert.match(badGateway.stderr, /--gateway must be host:port/);
  });
});
