// `derchain gateway`: the relay a utility runs beside its LoRaWAN / NB-IoT gateway and a
// non-validator node. It takes ChirpStack v4's MQTT integration (uplink events of one application;
// clearings out as one multicast enqueue, or per device), serves CoAP for NB-IoT meters on
// loopback, checks every row's signature and the participant's admission, batches the rows into
// the PoolCoordinator's submitBatch from the gas payer's account, closes iterations at the
// deadline, and keeps a restart-safe state file in --state-dir. Health and counters: logs and
// Prometheus on loopback. The gas payer's key comes from --key-file (chmod 600) or
// DERCHAIN_GATEWAY_KEY and is never logged. `runGateway` is the command without the process
// around it (tests run it in-process).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import pino, { type Logger } from 'pino';
import { getAddress, type Address } from 'viem';
import { connectNode } from '../../chain/rpc.js';
import { PoolCoordinatorClient } from '../../contracts/poolCoordinatorClient.js';
import { loadSigningKey } from '../../governance/memberKey.js';
import { attachUplinks, connectBroker, MqttDownlink } from '../../gateway/chirpstackMqtt.js';
import { startCoapEndpoint, type CoapEndpoint } from '../../gateway/coapEndpoint.js';
import { ContractPoolChain } from '../../gateway/contractPoolChain.js';
import { RelayMetrics, serveMetrics, type MetricsServer } from '../../gateway/metrics.js';
import { GatewayRelay } from '../../gateway/relay.js';
import { maxAppPayload, regionByName } from '../../radio/regionalParameters.js';
import { EXIT_BAD_INPUT } from '../inputErrorExit.js';

export const GATEWAY_KEY_ENV = 'DERCHAIN_GATEWAY_KEY';

export interface GatewayOptions {
  rpc: string;
  coordinator: Address;
  /** the gas payer's key file; undefined: $DERCHAIN_GATEWAY_KEY */
  keyFile?: string;
  mqtt: string;
  applicationId: string;
  /** Class C multicast group of the clearings; undefined: one downlink per device in `devices` */
  multicastGroupId?: string;
  devices?: string[];
  /** data rate of the clearing downlinks (sets the fragment size) */
  region: string;
  downlinkDr: number;
  /** CoAP port on 127.0.0.1 (undefined: no CoAP endpoint; 0: any free port) */
  coapPort?: number;
  /** metrics port on 127.0.0.1 (0: any free port) */
  metricsPort: number;
  stateDir: string;
  /** round to relay (default: the contract's current round) */
  round?: bigint;
  batchSize: number;
  deadlineSeconds: number;
  /** broadcast whose rows are missing this long after each clearing (meters on slotted uplinks); undefined: never */
  missingAfterSeconds?: number;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface GatewayHandle {
  relay: GatewayRelay;
  chain: ContractPoolChain;
  relayAccount: Address;
  metricsUrl: string;
  coapPort?: number;
  /** resolves when the round ended (the final clearing broadcast) */
  ended: Promise<void>;
  stop(): Promise<void>;
}

export async function runGateway(o: GatewayOptions): Promise<GatewayHandle> {
  const key = loadSigningKey(o.keyFile, GATEWAY_KEY_ENV, o.env ?? process.env);
  if (key === undefined) throw new Error(`no gas payer key: give --key-file FILE or set ${GATEWAY_KEY_ENV}`);
  const { publicClient, walletClient } = await connectNode(o.rpc, key);
  if (!walletClient) throw new Error('internal: no wallet client for the gas payer key');
  const chain = await ContractPoolChain.connect({ client: new PoolCoordinatorClient(publicClient, o.coordinator, walletClient) });
  mkdirSync(o.stateDir, { recursive: true, mode: 0o700 });
  const region = regionByName(o.region);
  const metrics = new RelayMetrics();
  const down = await connectBroker(o.mqtt, `derchain-gateway-down-${o.applicationId.slice(0, 8)}`, true);
  const downlink = new MqttDownlink({
    client: down,
    applicationId: o.applicationId,
    maxPayload: maxAppPayload(region, o.downlinkDr),
    ...(o.multicastGroupId !== undefined ? { multicastGroupId: o.multicastGroupId } : { devices: () => o.devices ?? [] }),
  });
  const relay = new GatewayRelay({
    chain,
    downlink,
    log: o.log,
    statePath: join(o.stateDir, 'relay-state.json'),
    batchSize: o.batchSize,
    deadlineMs: o.deadlineSeconds * 1000,
    ...(o.missingAfterSeconds !== undefined ? { missingAfterMs: o.missingAfterSeconds * 1000 } : {}),
    metrics,
  });
  const closers: (() => Promise<void>)[] = [() => down.endAsync()];
  let metricsServer: MetricsServer | undefined;
  let coap: CoapEndpoint | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (timer) clearInterval(timer);
    await relay.whenIdle();
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    await relay.start(o.round);
    const up = await attachUplinks(relay, { brokerUrl: o.mqtt, applicationId: o.applicationId, clientId: `derchain-gateway-up-${o.applicationId.slice(0, 8)}`, log: o.log });
    closers.push(() => up.endAsync());
    if (o.coapPort !== undefined) {
      coap = await startCoapEndpoint(relay, { log: o.log, port: o.coapPort });
      closers.push(() => coap!.close());
    }
    metricsServer = await serveMetrics(metrics, () => ({ round: relay.store.state.round, openIteration: relay.openIteration, ended: relay.roundEnded, ...relay.stats }), o.metricsPort);
    closers.push(() => metricsServer!.close());
  } catch (e) {
    await stop();
    throw e;
  }
  let resolveEnded: () => void = () => undefined;
  const ended = new Promise<void>((r) => (resolveEnded = r));
  timer = setInterval(() => {
    relay.tick().then(
      () => relay.roundEnded && resolveEnded(),
      (e: unknown) => o.log.error({ reason: e instanceof Error ? e.message.slice(0, 300) : String(e) }, 'deadline tick failed'),
    );
  }, 1000);
  o.log.info({ coordinator: o.coordinator, relay: walletClient.account.address, mqtt: o.mqtt, applicationId: o.applicationId, coapPort: coap?.port, metrics: metricsServer.url }, 'gateway relay running');
  return {
    relay,
    chain,
    relayAccount: walletClient.account.address,
    metricsUrl: metricsServer.url,
    ...(coap ? { coapPort: coap.port } : {}),
    ended,
    stop,
  };
}

function bad(message: string): InvalidArgumentError {
  const e = new InvalidArgumentError(message);
  e.exitCode = EXIT_BAD_INPUT;
  return e;
}

const port = (what: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw bad(`${what} must be a port 0 .. 65535, got "${v}"`);
  return n;
};
const whole = (what: string, min: number, max: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw bad(`${what} must be a whole number in ${min} .. ${max}, got "${v}"`);
  return n;
};

interface GatewayFlags {
  rpc: string;
  coordinator: string;
  keyFile?: string;
  mqtt: string;
  applicationId: string;
  multicastGroup?: string;
  device?: string[];
  region: string;
  downlinkDr: number;
  coapPort?: number;
  metricsPort: number;
  stateDir: string;
  round?: string;
  batchSize: number;
  deadlineSeconds: number;
  missingAfterSeconds?: number;
  once?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function register(program: Command): void {
  program
    .command('gateway')
    .description('Run the gateway relay beside a node: ChirpStack v4 MQTT (and CoAP) in, signed rows batched into the pool coordinator (pays the gas), clearings out as one multicast.')
    .requiredOption('--rpc <url>', 'JSON-RPC endpoint of the node beside the gateway (127.0.0.1 only)')
    .requiredOption('--coordinator <address>', 'the PoolCoordinator contract', (v) => {
      try {
        return getAddress(v);
      } catch {
        throw bad(`--coordinator is not an address: "${v}"`);
      }
    })
    .option('--key-file <file>', `file with the gas payer's 0x-hex private key (chmod 600); default: $${GATEWAY_KEY_ENV}; never logged`)
    .requiredOption('--mqtt <url>', 'ChirpStack\'s MQTT broker, e.g. mqtt://127.0.0.1:1883 (loopback only)')
    .requiredOption('--application-id <uuid>', 'ChirpStack application id of the meters', (v) => {
      if (!UUID.test(v)) throw bad(`--application-id must be a UUID, got "${v}"`);
      return v.toLowerCase();
    })
    .option('--multicast-group <uuid>', 'Class C multicast group for the clearings (default: one downlink per --device)')
    .option('--device <devEui...>', 'devices addressed one by one when there is no multicast group')
    .option('--region <name>', 'EU868 or US915 (downlink payload limits)', 'EU868')
    .option('--downlink-dr <dr>', 'data rate of the clearing downlinks', whole('--downlink-dr', 0, 15), 3)
    .option('--coap-port <port>', 'CoAP endpoint for NB-IoT meters on 127.0.0.1 (0: any free port; default: off)', port('--coap-port'))
    .option('--metrics-port <port>', 'Prometheus /metrics and /health on 127.0.0.1', port('--metrics-port'), 9464)
    .requiredOption('--state-dir <dir>', 'directory of the restart-safe state file')
    .option('--round <n>', 'round to relay (default: the contract\'s current round)')
    .option('--batch-size <k>', 'signed rows per submitBatch', whole('--batch-size', 1, 200), 10)
    .option('--deadline-seconds <s>', 'close an iteration this long after its clearing went out', whole('--deadline-seconds', 1, 86_400), 120)
    .option('--missing-after-seconds <s>', 'broadcast a MISSING message (whose rows have not arrived) this long after each clearing, and again every as long (meters on slotted uplinks; default: never)', whole('--missing-after-seconds', 1, 86_400))
    .option('--once', 'exit when the round has ended (default: keep running)')
    .addHelpText(
      'after',
      `\nExample:\n  DERCHAIN_GATEWAY_KEY=0x... derchain gateway --rpc http://127.0.0.1:8545 --coordinator 0x... \\\n    --mqtt mqtt://127.0.0.1:1883 --application-id 2f0c3a8e-6d7b-4c1e-9a55-0d3c5e7f9b21 \\\n    --multicast-group 7a1d2c3b-4e5f-4a6b-8c9d-0e1f2a3b4c5d --coap-port 5683 --state-dir /var/lib/derchain-gateway\n`,
    )
    .action(async (flags: GatewayFlags) => {
      if (flags.multicastGroup !== undefined && !UUID.test(flags.multicastGroup)) throw bad(`--multicast-group must be a UUID, got "${flags.multicastGroup}"`);
      if (flags.round !== undefined && !/^\d+$/.test(flags.round)) throw bad(`--round must be a whole number, got "${flags.round}"`);
      const log = pino({ name: 'derchain-gateway', level: process.env.DERCHAIN_LOG_LEVEL ?? 'info' }, pino.destination({ fd: 2, sync: true }));
      const g = await runGateway({
        rpc: flags.rpc,
        coordinator: flags.coordinator as Address,
        ...(flags.keyFile !== undefined ? { keyFile: flags.keyFile } : {}),
        mqtt: flags.mqtt,
        applicationId: flags.applicationId,
        ...(flags.multicastGroup !== undefined ? { multicastGroupId: flags.multicastGroup.toLowerCase() } : {}),
        ...(flags.device ? { devices: flags.device.map((d) => d.toLowerCase()) } : {}),
        region: flags.region,
        downlinkDr: flags.downlinkDr,
        ...(flags.coapPort !== undefined ? { coapPort: flags.coapPort } : {}),
        metricsPort: flags.metricsPort,
        stateDir: flags.stateDir,
        ...(flags.round !== undefined ? { round: BigInt(flags.round) } : {}),
        batchSize: flags.batchSize,
        deadlineSeconds: flags.deadlineSeconds,
        ...(flags.missingAfterSeconds !== undefined ? { missingAfterSeconds: flags.missingAfterSeconds } : {}),
        log,
      });
      const stopOn = (sig: NodeJS.Signals) =>
        process.once(sig, () => {
          log.info({ signal: sig }, 'gateway stopping');
          void g.stop().then(() => process.exit(0));
        });
      stopOn('SIGINT');
      stopOn('SIGTERM');
      if (flags.once) {
        await g.ended;
        await g.stop();
        log.info({ ...g.relay.stats, gasPaid: String(g.chain.gasPaid) }, 'round ended; gateway stopped');
      }
    });
}
