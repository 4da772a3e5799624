// From the stack settings to the consortium description network-config generates from: which
// nodes exist (validator-0..N-1 in the cloud, spread round-robin over the availability zones at
// fixed private addresses; one member node per on-premises gateway at its VPC-visible address),
// and the ConsortiumSpec with chain id, consensus, block period, the pinned Besu image and the
// pre-funded accounts (including the contract deployer). Validated before any resource exists.
import { ConsortiumSpecError } from '../network-config/errors.js';
import { validateConsortiumSpec, type ConsortiumSpec } from '../network-config/spec.js';
import { privateSubnetCidr } from './consortium.js';
import { hostOf, parseCidr } from './ipv4.js';
import { configKeyFor, parseStackConfig, type GatewaySettings, type PilotSettings } from './stackConfig.js';
import { StackConfigError } from './stackConfigError.js';

/** Validators take host addresses .10, .11, ... of their zone's private subnet. */
const FIRST_VALIDATOR_HOST = 10;

export interface PlannedValidator {
  kind: 'validator';
  name: string;
  index: number;
  azIndex: number;
  host: string;
}

export interface PlannedGateway {
  kind: 'gateway';
  name: string;
  host: string;
  gateway: GatewaySettings;
}

export type PlannedNode = PlannedValidator | PlannedGateway;

export function validatorName(index: number): string {
  return `validator-${index}`;
}

export function planNodes(s: PilotSettings): PlannedNode[] {
  const nodes: PlannedNode[] = [];
  for (let index = 0; index < s.validators.count; index++) {
    const azIndex = index % s.availabilityZoneCount;
    const slot = Math.floor(index / s.availabilityZoneCount);
    const host = hostOf(parseCidr(privateSubnetCidr(s.vpcCidr, azIndex)), FIRST_VALIDATOR_HOST + slot);
    nodes.push({ kind: 'validator', name: validatorName(index), index, azIndex, host });
  }
  for (const gateway of s.gateways) nodes.push({ kind: 'gateway', name: gateway.name, host: gateway.p2pAddress, gateway });
  return nodes;
}

/** Consortium name for the spec: the stack name, lower-cased to the spec's node-name alphabet. */
export function consortiumNameOf(stack: string): string {
  const name = `derchain-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
  return name;
}

/** Spec keys that come straight from stack config keys of the same name. */
const SPEC_KEYS_FROM_CONFIG = new Set(['chainId', 'consensus', 'blockPeriodSeconds', 'gasLimit', 'accounts']);

/**
 * The ConsortiumSpec for the stack. `deployerAddress` (public, derived from the deployer key) is
 * pre-funded with `deployerBalance`; pass undefined for the up-front validation pass.
 */
export function consortiumSpecOf(s: PilotSettings, stack: string, deployerAddress?: `0x${string}`): ConsortiumSpec {
  const nodes = planNodes(s);
  const accounts: { address: string; balance: string | number; label?: string }[] = [...s.accounts];
  if (deployerAddress !== undefined && !accounts.some((a) => a.address.toLowerCase() === deployerAddress.toLowerCase())) {
    accounts.push({ address: deployerAddress, balance: s.deployerBalance, label: 'contract deployer' });
  }
  const value = {
    name: consortiumNameOf(stack),
    chainId: s.chainId,
    consensus: s.consensus,
    blockPeriodSeconds: s.blockPeriodSeconds,
    gasLimit: s.gasLimit,
    ...(s.besuVersion !== undefined ? { besuImage: `hyperledger/besu:${s.besuVersion}` } : {}),
    validators: nodes.filter((n) => n.kind === 'validator').map((n) => ({ name: n.name, host: n.host, region: s.region })),
    members: nodes.filter((n) => n.kind === 'gateway').map((n) => ({ name: n.name, host: n.host })),
    accounts,
  };
  try {
    return validateConsortiumSpec(value, `stack ${stack}`);
  } catch (err) {
    if (!(err instanceof ConsortiumSpecError)) throw err;
    const head = err.keyPath.split(/[.[]/)[0] ?? '';
    if (SPEC_KEYS_FROM_CONFIG.has(head)) throw new StackConfigError(`derchain:${err.keyPath}`, err.reason);
    if (head === 'members') {
      const index = Number(/^members\[(\d+)\]/.exec(err.keyPath)?.[1] ?? 0);
      throw new StackConfigError(configKeyFor(['gateways', index]), err.reason);
    }
    throw new StackConfigError(configKeyFor(['validators']), `${err.keyPath}: ${err.reason}`);
  }
}

/**
 * Every check that runs before the first resource: the stack config itself, then the consortium
 * description built from it (chain id, accounts, addresses as network-config validates them).
 */
export function checkedStackConfig(raw: Readonly<Record<string, string>>, stack: string): { settings: PilotSettings; spec: ConsortiumSpec } {
  const settings = parseStackConfig(raw);
  return { settings, spec: consortiumSpecOf(settings, stack) };
}
