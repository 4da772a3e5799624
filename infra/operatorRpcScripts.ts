// Scripts run on the operator's machine (where `pulumi up` runs) against a validator's JSON-RPC:
// over an SSM Session Manager port-forwarding session to the node's private address (no inbound
// rule needed), or directly when the operator's network reaches the VPC (VPN; operator CIDRs).
// The readiness check waits until eth_blockNumber > 0 (the validators are sealing); the deploy
// step runs the project's `derchain deploy` command (owned by the contracts work) and prints its
// JSON result. The deployer key arrives in the environment, never in the script text.
import { RPC_PORT } from './securityRules.js';

export interface OperatorRpcPath {
  via: 'ssm' | 'direct';
  region: string;
  /** the validator's instance id (SSM target) */
  instanceId: string;
  privateIp: string;
  localPort: number;
}

export const DEPLOYER_KEY_ENV = 'DERCHAIN_DEPLOYER_KEY';
export const DEPLOY_COMMAND = 'node bin/derchain.mjs deploy';

function openRpc(p: OperatorRpcPath): string[] {
  if (p.via === 'direct') return [`rpc=http://${p.privateIp}:${RPC_PORT}`];
  return [
    `aws ssm start-session --region ${p.region} --target ${p.instanceId} ` +
      '--document-name AWS-StartPortForwardingSessionToRemoteHost ' +
      `--parameters host=${p.privateIp},portNumber=${RPC_PORT},localPortNumber=${p.localPort} >/dev/null 2>&1 &`,
    'tunnel=$!',
    'trap \'kill "$tunnel" 2>/dev/null || true\' EXIT',
    `rpc=http://127.0.0.1:${p.localPort}`,
  ];
}

function waitForBlocks(timeoutSeconds: number): string[] {
  return [
    `deadline=$((SECONDS + ${timeoutSeconds}))`,
    'block=0',
    'while :; do',
    '  reply=$(curl -s -m 5 -H "content-type: application/json" --data \'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}\' "$rpc" || true)',
    '  hex=$(printf "%s" "$reply" | sed -n \'s/.*"result":"\\(0x[0-9a-fA-F]*\\)".*/\\1/p\')',
    '  if [ -n "$hex" ]; then block=$((hex)); fi',
    '  [ "$block" -gt 0 ] && break',
    '  if [ "$SECONDS" -ge "$deadline" ]; then echo "derchain: no blocks from $rpc after ' + timeoutSeconds + 's" >&2; exit 1; fi',
    '  sleep 5',
    'done',
  ];
}

/** Prints the block number once the chain produces blocks; fails after the timeout. */
export function readinessScript(p: OperatorRpcPath, timeoutSeconds: number): string {
  return ['set -euo pipefail', ...openRpc(p), ...waitForBlocks(timeoutSeconds), 'echo "$block"', ''].join('\n');
}

/** Runs the contract deployment and prints its JSON (contract name -> address) on stdout. */
export function deployScript(p: OperatorRpcPath, timeoutSeconds: number): string {
  return [
    'set -euo pipefail',
    `: "\${${DEPLOYER_KEY_ENV}:?the deployer key must be in the environment}"`,
    ...openRpc(p),
    ...waitForBlocks(timeoutSeconds),
    `${DEPLOY_COMMAND} --rpc "$rpc" --json`,
    '',
  ].join('\n');
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Contract addresses from the deploy command's stdout: the last line that is a JSON object; its
 * address-valued entries (one level of nesting allowed, e.g. {"contracts": {...}}).
 */
export function parseDeployOutput(stdout: string): Record<string, string> {
  const lines = stdout.trim().split('\n').reverse();
  const candidates = [stdout.trim(), ...lines];
  for (const text of candidates) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' && ADDRESS.test(v)) out[k] = v;
      else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) if (typeof v2 === 'string' && ADDRESS.test(v2)) out[k2] = v2;
      }
    }
    if (Object.keys(out).length > 0) return out;
  }
  throw new Error(`${DEPLOY_COMMAND} printed no JSON object with contract addresses`);
}

/** The coordinator's address among the deployed contracts (key "coordinator" or "coordinatorAddress"). */
export function coordinatorAddressOf(contracts: Readonly<Record<string, string>>): string {
  const address = contracts.coordinator ?? contracts.coordinatorAddress ?? contracts.DerCoordinator;
  if (address === undefined) throw new Error(`${DEPLOY_COMMAND} reported no coordinator address (got ${Object.keys(contracts).join(', ')})`);
  return address;
}
