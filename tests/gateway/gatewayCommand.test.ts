// `derchain gateway` in-process: the relay beside an anvil node with the PoolCoordinator, an MQTT
// broker (aedes) for ChirpStack's integration and its CoAP door on loopback. Four meters clear a
// round over CoAP; a JOIN arrives as a ChirpStack uplink event over MQTT; the relay pays the gas
// from the key file's account, exposes its counters on loopback, and never logs the key. Bad
// flags exit 2 before anything starts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startPoolDevChain } from '../../chain/localChain.js';
import { rpcCall } from '../../chain/rpc.js';
import { runGateway } from '../../cli/commands/gateway.js';
import { buildProgram } from '../../cli/main.js';
import { encodeSlice } from '../../contracts/poolRow.js';
import { roundConfigOf } from '../../contracts/poolCoordinatorClient.js';
import { coldStartPrices, runPool, setupPool } from '../../admm/poolEngine.js';
import { loadScenario } from '../../data/loadScenario.js';
import { connectBroker } from '../../gateway/chirpstackMqtt.js';
import { toBase64, uplinkTopic } from '../../radio/chirpstack.js';
import { encodeMessage } from '../../radio/frames.js';
import { signJoin } from '../../radio/joinProof.js';
import { runCoapMeters } from '../../radio/simulator/coapRound.js';
import { startLocalBroker } from '../../radio/simulator/mqttBroker.js';
import { radioMeterKeys } from '../../radio/simulator/radioRound.js';

const APP = '2f0c3a8e-6d7b-4c1e-9a55-0d3c5e7f9b21';

describe('derchain gateway (in-process)', function () {
  this.timeout(120_000);

  it('relays a round from CoAP meters into the contract, takes ChirpStack events, pays the gas, logs no key', async () => {
    const { scenario } = loadScenario({ generator: true, prosumers: 4, days: 1, seed: 7 });
    const pool = { epsPrimal: 0.01, epsDual: 0.01 };
    const cfg = setupPool(scenario, { ...pool, centralized: false }).config;
    const dev = await startPoolDevChain({ accounts: 2 });
    const broker = await startLocalBroker();
    const dir = mkdtempSync(join(tmpdir(), 'derchain-gateway-'));
    const lines: string[] = [];
    let stop: (() => Promise<void>) | undefined;
    try {
      const op = dev.as(0);
      const meters = radioMeterKeys(9, 4).map((k) => privateKeyToAccount(k));
      for (const m of meters) await op.admitProsumer(m.address);
      await op.openRound(roundConfigOf(cfg, { deadlineBlocks: 1000, slotSeconds: 3600, initialPrices: encodeSlice(coldStartPrices(scenario)) }));
      const round = await op.currentRound();
      await op.enroll(round, meters.map((m) => m.address));
      await op.startRound(round);
      // the gas payer: its own key in a chmod-600 file, funded by the operator
      const key = generatePrivateKey();
      const payer = privateKeyToAccount(key).address;
      await rpcCall(dev.anvil.rpcUrl, 'anvil_setBalance', [payer, `0x${parseEther('10').toString(16)}`]);
      const keyFile = join(dir, 'gas.key');
      writeFileSync(keyFile, key, { mode: 0o600 });
      const g = await runGateway({
        rpc: dev.anvil.rpcUrl,
        coordinator: dev.address,
        keyFile,
        mqtt: broker.url,
        applicationId: APP,
        multicastGroupId: '7a1d2c3b-4e5f-4a6b-8c9d-0e1f2a3b4c5d',
        region: 'EU868',
        downlinkDr: 3,
        coapPort: 0,
        metricsPort: 0,
        stateDir: join(dir, 'state'),
        batchSize: 10,
        deadlineSeconds: 600,
        log: pino({ level: 'info' }, { write: (s: string) => void lines.push(s) }),
      });
      stop = g.stop;
      assert.equal(g.relayAccount, payer);
      // a meter's JOIN as ChirpStack publishes it
      const devEui = '70b3d57ed0000001';
      const sim = await connectBroker(broker.url, 'test-chirpstack', true);
      const join1 = encodeMessage(await signJoin(meters[0]!, `0x${devEui}`, Math.floor(Date.now() / 1000)));
      const event = { deduplicationId: '3e6b1c0a-5f7d-4d8e-9a1b-2c3d4e5f6a7b', time: new Date().toISOString(), deviceInfo: { tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242', applicationId: APP, devEui, tags: {} }, devAddr: '26000001', dr: 5, fCnt: 1, fPort: 1, confirmed: false, data: toBase64(join1), rxInfo: [], txInfo: { frequency: 868_100_000, modulation: { lora: { bandwidth: 125_000, spreadingFactor: 7, codeRate: 'CR_4_5' } } } };
      await sim.publishAsync(uplinkTopic(APP, devEui), JSON.stringify(event), { qos: 1 });
      const requests = await runCoapMeters({ scenario, cfg, accounts: meters, domain: g.chain.domain, round, port: g.coapPort! });
      await g.ended;
      await sim.endAsync();
      assert.ok(requests > 0);
      assert.equal(g.relay.store.state.bindings[devEui], meters[0]!.address, `JOIN over MQTT bound the device: ${lines.filter((l) => /join|ChirpStack/.test(l)).join("")}`);
      const ref = runPool(scenario, { ...pool, centralized: false });
      const prog = await op.progress(round);
      assert.equal(prog.iteration, ref.iterations, 'the chain ran the in-memory engine\'s iterations');
      const fin = await op.clearing(round);
      assert.deepEqual(Array.from(fin.prices).map(String), ref.pool.fixed.prices.map(String));
      assert.ok(g.chain.gasPaid > 0n);
      const metrics = await (await fetch(`${g.metricsUrl}/metrics`)).text();
      assert.match(metrics, new RegExp(`derchain_gateway_rows_accepted_total ${ref.iterations * 4}\\b`));
      const text = lines.join('');
      assert.ok(text.includes('gateway relay running'));
      assert.ok(!text.includes(key.slice(2)), 'the gas payer key is in the log');
    } finally {
      await stop?.();
      await broker.close();
      await dev.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad application id with exit code 2 before connecting', async () => {
    const program = await buildProgram();
    program.exitOverride();
    for (const c of [program, ...program.commands]) c.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    await assert.rejects(
      program.parseAsync(['node', 'derchain', 'gateway', '--rpc', 'http://127.0.0.1:1', '--coordinator', '0x5fbdb2315678afecb367f032d93f642f64180aa3', '--mqtt', 'mqtt://127.0.0.1:1', '--application-id', 'nope', '--state-dir', '/tmp/x']),
      (e: { exitCode?: number; message?: string }) => e.exitCode === 2 && /application-id must be a UUID/.test(e.message ?? ''),
    );
  });
});
