// The validator bridge: runs beside one Clique validator, turns the consortium's decided
// validator changes into this node's clique_propose votes, follows clique_getSigners until each
// change is in force, then clique_discard. Every tick re-derives the plan from chain state
// (votePlan.ts), so a restart neither loses nor repeats a vote. Every action is logged.
import type { Address } from 'viem';
import type { Logger } from 'pino';
import { connectNode } from './chainClients.js';
import { CliqueRpc } from './cliqueRpc.js';
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

/** One pass: read chain state, act on it, log. Exposed for tests and for `--once`. */
export async function bridgeTick(
  clique: CliqueRpc,
  governance: GovernanceClient,
  logger: Logger,
  waiting: Set<string>,
): Promise<BridgeTickResult> {
  const changes = await governance.validatorChanges();
  const [signers, nodeVotes] = await Promise.all([clique.signers(), clique.proposals()]);
  const steps = planVotes({ changes, signers, nodeVotes });
  const stillWaiting = new Set<string>();
  for (const step of steps) {
    const key = `${step.validator}:${step.action === 'discard' ? '' : step.authorize}`;
    if (step.action === 'propose') {
      await clique.propose(step.validator, step.authorize);
      logger.info(
        { event: 'vote-cast', proposalId: step.proposalId, validator: step.validator, authorize: step.authorize },
        `clique_propose(${step.validator}, ${step.authorize}) for proposal #${step.proposalId}`,
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
          ? `proposal #${step.proposalId} in force (${signers.length} signers); clique_discard(${step.validator})`
          : `clique_discard(${step.validator}): no decided governance change backs this vote`,
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
  const clique = new CliqueRpc(rpcUrl);
  const { publicClient } = await connectNode(rpcUrl);
  const governance = new GovernanceClient(publicClient, options.governance);
  const waiting = new Set<string>();
  let self: Address | undefined;
  try {
    self = await clique.coinbase();
  } catch {
    self = undefined;
  }
  logger.info({ event: 'bridge-start', rpc: rpcUrl, governance: options.governance, node: self, pollMs }, 'validator bridge started');
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
      const timer = setTimeout(resolve, pollMs);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
  logger.info({ event: 'bridge-stop' }, 'validator bridge stopped');
}
