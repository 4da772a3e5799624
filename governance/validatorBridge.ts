// The validator bridge: runs beside one validator, turns the consortium's decided validator
// changes into this node's votes (Clique: clique_propose, geth or Besu; QBFT with validators in
// the headers: qbft_proposeValidatorVote, Besu), follows the validator set until each change is in
// force, then discards the vote. Every tick re-derives the plan from chain state (votePlan.ts), so a
// restart neither loses nor repeats a vote. Every action is logged. A QBFT network in contract mode
// needs no bridge: the governance contract is its validator set.
import type { Address } from 'viem';
import type { Logger } from 'pino';
import { connectNode } from '../chain/rpc.js';
import { CliqueRpc } from './cliqueRpc.js';
import { QbftRpc } from './qbftRpc.js';
import { isMethodUnavailable, type ValidatorVoteRpc } from './validatorVoteRpc.js';
import { GovernanceClient } from './governanceClient.js';
import { planVotes, type BridgeStep } from './votePlan.js';

export interface ValidatorBridgeOptions {
  rpcUrl: string;
  governance: Address;
  /** poll interval, ms (default 1000) */
  pollMs?: number;
  logger: Logger;
  /** stops the loop */
  signal?: AbortSignal;
}

export interface BridgeTickResult {
  steps: BridgeStep[];
  signers: Address[];
}

/** The vote API the node at `rpcUrl` offers: clique_*, else qbft_* (header-based validator votes). */
export async function validatorVoteRpcFor(rpcUrl: string): Promise<ValidatorVoteRpc> {
  const clique = new CliqueRpc(rpcUrl);
  try {
    await clique.signers();
    return clique;
  } catch (err) {
    if (!isMethodUnavailable(err)) throw err;
  }
  const qbft = new QbftRpc(rpcUrl);
  try {
    await qbft.proposals();
  } catch (err) {
    if (isMethodUnavailable(err)) throw new Error(`${rpcUrl} offers neither the clique nor the qbft API; enable one in the node's rpc-http-api`);
    throw err;
  }
  return qbft;
}

const methodsOf = (consensus: 'clique' | 'qbft') =>
  consensus === 'clique' ? { propose: 'clique_propose', discard: 'clique_discard' } : { propose: 'qbft_proposeValidatorVote', discard: 'qbft_discardValidatorVote' };

/** One pass: read chain state, act on it, log. Exposed for tests and for `--once`. */
export async function bridgeTick(
  clique: ValidatorVoteRpc,
  governance: GovernanceClient,
  logger: Logger,
  waiting: Set<string>,
): Promise<BridgeTickResult> {
  const changes = await governance.validatorChanges();
  const [signers, nodeVotes] = await Promise.all([clique.signers(), clique.proposals()]);
  const steps = planVotes({ changes, signers, nodeVotes });
  const m = methodsOf(clique.consensus);
  const stillWaiting = new Set<string>();
  for (const step of steps) {
    const key = `${step.validator}:${step.action === 'discard' ? '' : step.authorize}`;
    if (step.action === 'propose') {
      await clique.propose(step.validator, step.authorize);
      logger.info(
        { event: 'vote-cast', proposalId: step.proposalId, validator: step.validator, authorize: step.authorize },
        `${m.propose}(${step.validator}, ${step.authorize}) for proposal #${step.proposalId}`,
      );
      stillWaiting.add(key);
    } else if (step.action === 'wait') {
      if (!waiting.has(key)) {
        logger.info(
          { event: 'vote-pending', proposalId: step.proposalId, validator: step.validator, authorize: step.authorize },
          `vote for proposal #${step.proposalId} already cast on this node; waiting for the signer set to change`,
        );
      }
      stillWaiting.add(key);
    } else {
      await clique.discard(step.validator);
      logger.info(
        { event: 'vote-discarded', reason: step.reason, proposalId: step.proposalId, validator: step.validator, signers: signers.length },
        step.reason === 'in-force'
          ? `proposal #${step.proposalId} in force (${signers.length} signers); ${m.discard}(${step.validator})`
          : `${m.discard}(${step.validator}): no decided governance change backs this vote`,
      );
    }
  }
  waiting.clear();
  for (const key of stillWaiting) waiting.add(key);
  return { steps, signers };
}

/** Runs until the signal aborts. Transient RPC errors are logged and retried next tick. */
export async function runValidatorBridge(options: ValidatorBridgeOptions): Promise<void> {
  const { rpcUrl, logger, signal } = options;
  const pollMs = options.pollMs ?? 1000;
  let clique: ValidatorVoteRpc | undefined;
  while (clique === undefined && !signal?.aborted) {
    try {
      clique = await validatorVoteRpcFor(rpcUrl);
    } catch (err) {
      if (err instanceof Error && /offers neither/.test(err.message)) throw err;
      logger.warn({ event: 'node-unreachable', error: err instanceof Error ? err.message.split('\n')[0] : String(err) }, 'node not reachable yet; retrying');
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
  if (clique === undefined) return;
  const { publicClient } = await connectNode(rpcUrl);
  const governance = new GovernanceClient(publicClient, options.governance);
  const waiting = new Set<string>();
  let self: Address | undefined;
  try {
    self = await clique.coinbase();
  } catch {
    self = undefined;
  }
  logger.info({ event: 'bridge-start', rpc: rpcUrl, governance: options.governance, node: self, consensus: clique.consensus, pollMs }, 'validator bridge started');
  let lastError = '';
  let notSignerLogged = false;
  while (!signal?.aborted) {
    try {
      const { signers } = await bridgeTick(clique, governance, logger, waiting);
      lastError = '';
      const isSigner = self === undefined || signers.includes(self);
      if (!isSigner && !notSignerLogged) {
        logger.warn({ event: 'not-a-signer', node: self }, 'this node is not a signer; its votes count once it is');
      }
      notSignerLogged = !isSigner;
    } catch (err) {
      const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
      if (message !== lastError) logger.warn({ event: 'tick-failed', error: message }, 'bridge tick failed; retrying');
      lastError = message;
    }
    await new Promise<void>((resolve) => {
      // one abort listener per wait, removed when the wait ends (no listener pile-up)
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, pollMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  logger.info({ event: 'bridge-stop' }, 'validator bridge stopped');
}
