// One pool round with N meters over CoAP on loopback UDP (the NB-IoT path): each meter asks for the
// clearing it needs, solves, signs and posts its row, and takes the next clearing from the
// piggybacked response when it is there. Relay and coordinator as in radioRound.ts.
import { privateKeyToAccount } from 'viem/accounts';
import type { Logger } from 'pino';
import { setupPool, type PoolOptions } from '../../admm/poolEngine.js';
import type { PoolConfig } from '../../admm/poolStep.js';
import type { PoolDomainRef } from '../../contracts/poolRow.js';
import type { LocalAccount } from 'viem';
import { decodeRow } from '../../contracts/poolRow.js';
import { blockContext } from '../../model/socialProblem.js';
import type { Scenario } from '../../model/scenario.js';
import { startCoapEndpoint } from '../../gateway/coapEndpoint.js';
import { InMemoryPoolChain, type PoolChainPort } from '../../gateway/poolChainPort.js';
import { GatewayRelay } from '../../gateway/relay.js';
import { CoapMeterLink } from '../coapMeterLink.js';
import { runCoapMeterLoop } from '../coapMeterLoop.js';
import { PoolMeter } from '../poolMeter.js';
import { radioMeterKeys } from './radioRound.js';

export interface CoapRoundResult {
  iterations: number;
  status: string;
  prices: bigint[];
  rows: Int16Array[];
  requests: number;
  wallMs: number;
}

export async function runCoapRound(o: { scenario: Scenario; log: Logger; seed?: number; chain?: PoolChainPort; round?: bigint; blockSzx?: number; poolOptions?: Partial<PoolOptions> }): Promise<CoapRoundResult> {
  const sc = o.scenario;
  const problem = setupPool(sc, { ...o.poolOptions, centralized: false });
  const cfg = problem.config;
  const seed = o.seed ?? 1;
  const accounts = radioMeterKeys(seed, sc.prosumers.length).map((k) => privateKeyToAccount(k));
  const initial = problem.startPrices();
  const round = o.round ?? 1n;
  const chain = o.chain ?? new InMemoryPoolChain(round, cfg, accounts.map((a) => a.address), initial);
  const relay = new GatewayRelay({ chain, log: o.log, downlink: { broadcast: async () => undefined, sendTo: async () => undefined }, deadlineMs: 600_000 });
  await relay.start(round);
  const endpoint = await startCoapEndpoint(relay, { log: o.log });
  const t0 = Date.now();
  let requests = 0;
  try {
    requests = await runCoapMeters({ scenario: sc, cfg, accounts, domain: chain.domain, round, port: endpoint.port, blockSzx: o.blockSzx ?? 2 });
  } finally {
    await endpoint.close();
  }
  const prog = await chain.progress(round);
  const fin = await chain.clearing(round, prog.iteration);
  return {
    iterations: prog.iteration,
    status: prog.status,
    prices: Array.from(fin.prices),
    rows: accounts.map((_, i) => {
      const h = relay.store.state.lastRows[String(i)];
      return h === undefined || h === '0x' ? new Int16Array(cfg.t) : decodeRow(h);
    }),
    requests,
    wallMs: Date.now() - t0,
  };
}

/**
 * N meters over CoAP until the round's final clearing: each asks for the clearing it needs, solves,
 * signs and posts its row, and takes the next clearing from the piggybacked response when it is
 * there. Returns the number of CoAP requests.
 */
export async function runCoapMeters(o: { scenario: Scenario; cfg: PoolConfig; accounts: LocalAccount[]; domain: PoolDomainRef; round: bigint; port: number; blockSzx?: number }): Promise<number> {
  const sc = o.scenario;
  const { cfg, round } = o;
  const ctx = blockContext(sc);
  let requests = 0;
  await Promise.all(
    sc.prosumers.map(async (prosumer, i) => {
      const meter = new PoolMeter({
        account: o.accounts[i]!,
        domain: o.domain,
        round,
        participant: i,
        params: { prosumer, tariff: sc.tariff, options: sc.options, dtHours: sc.dtHours, startSlot: ctx.startSlot, participants: cfg.n, rho: cfg.rho, resolution: cfg.resolution, alphaPpm: cfg.alphaPpm },
      });
      const link = new CoapMeterLink({ port: o.port, blockSzx: o.blockSzx ?? 2 });
      requests += await runCoapMeterLoop(meter, link);
    }),
  );
  return requests;
}
