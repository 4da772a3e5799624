// The prosumer agent's loop (paper III-A, PLT_i): read the round's iteration and this prosumer's
// lambda/pHat row from the contract, solve the local problem on its own data only, submit the
// trades (the only thing that leaves the prosumer), wait for the next iteration, until the
// round converges or ends. Stateless: everything it needs is re-read from the chain, so a killed
// agent restarted mid-round continues at the chain's current iteration.
import type { Address } from 'viem';
import type { Logger } from 'pino';
import { fromFixed, toFixed } from '../admm/coordinatorStep.js';
import { ROUND_STATUS } from '../contracts/coordinatorClient.js';
import { encodeRow } from '../contracts/rowCodec.js';
import { solveLocal } from '../model/localProblem.js';
import type { AgentData } from './agentData.js';
import { submissionGasLimit, type ChainClient } from './chainClient.js';

export interface AgentOptions {
  client: ChainClient;
  data: AgentData;
  log: Logger;
  /** round to take part in; default: the current round (waits for one listing this account) */
  round?: bigint;
  /** ms between polls of the round state */
  pollMs?: number;
  /** give up waiting for a round after this many ms */
  waitForRoundMs?: number;
}

export interface AgentOutcome {
  round: bigint;
  participant: number;
  status: number;
  submissions: number;
  lastIteration: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function findRound(o: AgentOptions, me: Address): Promise<{ round: bigint; participant: number }> {
  const deadline = Date.now() + (o.waitForRoundMs ?? 600_000);
  for (;;) {
    const round = o.round ?? (await o.client.currentRound());
    if (round > 0n) {
      const list = await o.client.participants(round);
      const participant = list.findIndex((a) => a.toLowerCase() === me.toLowerCase());
      const state = await o.client.roundState(round);
      if (participant >= 0 && (state.status === ROUND_STATUS.open || o.round !== undefined)) return { round, participant };
    }
    if (Date.now() > deadline) throw new Error(`no open round lists ${me}`);
    await sleep(o.pollMs ?? 200);
  }
}

/** Runs the agent until its round is closed; returns how it ended. */
export async function runAgent(o: AgentOptions): Promise<AgentOutcome> {
  const { client, data, log } = o;
  const pollMs = o.pollMs ?? 200;
  const { round, participant } = await findRound(o, client.address);
  const params = await client.roundParams(round);
  if (params.t !== data.horizon) throw new Error(`round ${round} has T=${params.t}, the agent's data has ${data.horizon} slots`);
  const gas = submissionGasLimit(params.n, params.t);
  const gasCap = await client.blockGasLimit();
  const gasLimit = gas < gasCap ? gas : gasCap;
  log.info({ round: String(round), participant, n: params.n, horizon: params.t, prosumer: data.prosumer.id }, 'agent joined round');
  let submissions = 0;
  for (;;) {
    const state = await client.roundState(round);
    if (state.status !== ROUND_STATUS.open) {
      log.info({ round: String(round), status: state.status, iteration: state.iteration, submissions }, 'round closed');
      return { round, participant, status: state.status, submissions, lastIteration: state.iteration };
    }
    if ((state.submitted >> BigInt(participant)) & 1n) {
      await sleep(pollMs); // done for this iteration: wait for the others (or the deadline path)
      continue;
    }
    const row = await client.getRow(round, participant);
    if (row.status !== ROUND_STATUS.open) continue;
    const t0 = performance.now();
    const out = solveLocal({
      prosumer: data.prosumer,
      tariff: data.tariff,
      options: data.options,
      dtHours: data.dtHours,
      partners: params.n - 1,
      rho: fromFixed(row.rho),
      lambdaRow: Float64Array.from(row.lambda, (v) => fromFixed(v)),
      hatRow: Float64Array.from(row.hat, (v) => fromFixed(v)),
      startSlot: data.startSlot,
    });
    if (out.trades.some((v) => !Number.isFinite(v))) throw new Error(`local solve failed (${out.status})`);
    const fixed = BigInt64Array.from(out.trades, (v) => toFixed(v));
    for (const v of fixed) {
      if (v > params.maxAbsTrade || -v > params.maxAbsTrade) throw new Error(`a trade of ${fromFixed(v)} kW exceeds the round's bound ${fromFixed(params.maxAbsTrade)} kW`);
    }
    const solveMs = performance.now() - t0;
    // Never a second submission: re-check the chain just before sending (a previous
    // incarnation of this agent, or a retry, may have submitted meanwhile).
    const again = await client.roundState(round);
    if (again.status !== ROUND_STATUS.open || again.iteration !== row.iteration || (again.submitted >> BigInt(participant)) & 1n) continue;
    const outcome = await client.submitOnce(round, row.iteration, participant, encodeRow(fixed), gasLimit);
    if (outcome.status === 'success') {
      submissions++;
      log.debug({ iteration: row.iteration, gasUsed: Number(outcome.gasUsed), solveMs: Math.round(solveMs) }, 'submitted');
    } else {
      // e.g. the deadline path completed the iteration first; the loop re-reads the chain
      log.warn({ iteration: row.iteration, tx: outcome.hash }, 'submission reverted; re-reading the round');
    }
  }
}
