// The pilot stack configuration (`Pulumi.<stack>.yaml`): its schema, its defaults, and the checks
// that run before any resource is registered. Every error names the full key it is about
// (`derchain:validators.count`), so the fix is one `pulumi config set`. Secret keys (key seed,
// deployer key, gateway SSH keys) are only checked for presence here and read as Pulumi secrets.
import * as pulumi from '@pulumi/pulumi';
import * as z from 'zod';
import { cidrContains, parseCidr, parseIpv4 } from './ipv4.js';
import { StackConfigError } from './stackConfigError.js';

/** The Pulumi project name, which is also the config namespace. */
export const CONFIG_NAMESPACE = 'derchain';

/** Default name of the secret config key holding the gateways' SSH private key. */
export const DEFAULT_GATEWAY_SSH_KEY = 'gatewaySshKey';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes, starting with a letter, at most 31 chars');

const cidr = z.string().superRefine((text, ctx) => {
  try {
    const block = parseCidr(text);
    if (block.prefix < 8) ctx.addIssue({ code: 'custom', message: `${text} is wider than /8; name the real addresses` });
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const ipv4 = z.string().superRefine((text, ctx) => {
  try {
    parseIpv4(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const configKeyName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a config key name such as gatewaySshKey');

const validatorsSchema = z.strictObject({
  count: z.number().int().min(1).max(16),
  instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'an EC2 instance type such as t3.large').default('t3.large'),
  dataVolumeGiB: z.number().int().min(20).max(16384).default(100),
});

const gatewaySchema = z.strictObject({
  name,
  /** address the pilot operator's machine reaches the gateway at over SSH */
  sshHost: z.string().min(1),
  sshUser: z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'a POSIX user name').default('derchain'),
  sshPort: z.number().int().min(1).max(65535).default(22),
  /** the gateway's SSH host key line from `ssh-keyscan` (pinned: no trust-on-first-use) */
  sshHostKey: z.string().regex(/^(ssh-ed25519|ecdsa-sha2-nistp\d+|ssh-rsa) [A-Za-z0-9+/=]+$/, 'an SSH public host key such as "ssh-ed25519 AAAA..." (ssh-keyscan -t ed25519 <host>)'),
  /** name of the secret config key holding this gateway's SSH private key */
  sshKeyConfig: configKeyName.default(DEFAULT_GATEWAY_SSH_KEY),
  /** address the VPC sees the gateway at (over the site-to-site VPN or Direct Connect) */
  p2pAddress: ipv4,
  /** where the gateway relay listens for the meters' network server */
  relayListenAddress: ipv4.default('127.0.0.1'),
  relayPort: z.number().int().min(1024).max(65535).default(8546),
});

const onPremVpnSchema = z.strictObject({
  /** public IP of the utility's VPN device */
  customerGatewayIp: ipv4,
  bgpAsn: z.number().int().min(1).max(4294967294).default(65000),
  /** on-premises address blocks routed over the VPN */
  onPremCidrs: z.array(cidr).min(1),
});

const deploySchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** how the operator's machine reaches a validator's JSON-RPC: an SSM port-forwarding session or directly (VPN) */
  via: z.enum(['ssm', 'direct']).default('ssm'),
  localPort: z.number().int().min(1024).max(65535).default(18545),
  /** seconds to wait for eth_blockNumber > 0 before giving up */
  readinessTimeoutSeconds: z.number().int().min(30).max(3600).default(900),
});

/** The non-secret stack settings, keyed like the config keys (without the namespace). */
const pilotSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-central-1'),
  consensus: z.enum(['clique', 'qbft']),
  blockPeriodSeconds: z.number().int().min(1).max(60).default(5),
  chainId: z.number().int().min(1).max(2 ** 32 - 1).default(46210),
  /** overrides the image network-config pins for the consensus (hyperledger/besu:<besuVersion>) */
  besuVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'a Besu release such as 26.2.0').optional(),
  gasLimit: z.number().int().min(5000).default(30_000_000),
  /** extra pre-funded accounts, as in the consortium spec: { address, balance, label? } */
  accounts: z.array(z.strictObject({ address: z.string(), balance: z.union([z.string(), z.number()]), label: z.string().optional() })).default([]),
  /** genesis balance of the contract deployer account (derived from the deployerKey secret) */
  deployerBalance: z.string().default('1000000 ether'),
  validators: validatorsSchema,
  availabilityZoneCount: z.number().int().min(2).max(6).default(3),
  vpcCidr: cidr.default('10.42.0.0/16'),
  operatorCidrs: z.array(cidr).min(1),
  prometheusCidr: cidr.optional(),
  gateways: z.array(gatewaySchema).default([]),
  onPremVpn: onPremVpnSchema.optional(),
  amiId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, 'an AMI id such as ami-0123456789abcdef0').optional(),
  deploy: deploySchema.default({ enabled: true, via: 'ssm', localPort: 18545, readinessTimeoutSeconds: 900 }),
  tags: z.record(z.string().regex(/^[\w.:/=+@ -]{1,128}$/), z.string().max(256)).default({}),
});

export type PilotSettings = z.infer<typeof pilotSchema>;
export type GatewaySettings = z.infer<typeof gatewaySchema>;

/** How each key is read from Pulumi config: plain text, a number, a boolean, or a JSON object/list. */
const KEY_KINDS: Record<Exclude<keyof PilotSettings, 'region'>, 'string' | 'number' | 'object'> = {
  consensus: 'string',
  blockPeriodSeconds: 'number',
  chainId: 'number',
  besuVersion: 'string',
  gasLimit: 'number',
  accounts: 'object',
  deployerBalance: 'string',
  validators: 'object',
  availabilityZoneCount: 'number',
  vpcCidr: 'string',
  operatorCidrs: 'object',
  prometheusCidr: 'string',
  gateways: 'object',
  onPremVpn: 'object',
  amiId: 'string',
  deploy: 'object',
  tags: 'object',
};

/** Secret keys: set with `pulumi config set --secret`. */
export const SECRET_KEYS = ['keySeed', 'deployerKey'] as const;

/** Full config key ("derchain:validators.count", "aws:region") for a path into PilotSettings. */
export function configKeyFor(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  if (head === undefined) return `${CONFIG_NAMESPACE}:<root>`;
  if (head === 'region') return 'aws:region';
  let key = `${CONFIG_NAMESPACE}:${head}`;
  for (const part of rest) key += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  return key;
}

/**
 * Validates raw config values (full key -> raw string, as Pulumi hands them to the program) and the
 * set of secret keys that are present. Throws StackConfigError naming the first bad key.
 */
export function parseStackConfig(raw: Readonly<Record<string, string>>): PilotSettings {
  const values: Record<string, unknown> = {};
  const known = new Set<string>([...Object.keys(KEY_KINDS), ...SECRET_KEYS]);
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [fullKey, text] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!known.has(key) && !isGatewayKeyName(raw, key)) {
      throw new StackConfigError(fullKey, `unknown key; the known keys are ${[...known].sort().join(', ')}`);
    }
    if (!(key in KEY_KINDS)) continue;
    values[key] = decode(fullKey, KEY_KINDS[key as keyof typeof KEY_KINDS], text);
  }
  const region = raw['aws:region'];
  if (region === undefined) throw new StackConfigError('aws:region', 'required; run `pulumi config set aws:region <region>`');
  values.region = region;

  const result = pilotSchema.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const missing = valueAt(values, issue.path) === undefined;
    throw new StackConfigError(configKeyFor(issue.path), missing ? 'required' : issue.message);
  }
  const settings = result.data;
  checkCrossKeyRules(settings, raw);
  return settings;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

function isGatewayKeyName(raw: Readonly<Record<string, string>>, key: string): boolean {
  if (key === DEFAULT_GATEWAY_SSH_KEY) return true;
  const gateways = raw[`${CONFIG_NAMESPACE}:gateways`];
  return gateways !== undefined && gateways.includes(`"${key}"`);
}

function decode(fullKey: string, kind: 'string' | 'number' | 'object', text: string): unknown {
  if (kind === 'string') return text;
  if (kind === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(text.trim())) throw new StackConfigError(fullKey, `expected a number, got ${JSON.stringify(text)}`);
    return Number(text);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StackConfigError(fullKey, 'expected a YAML object or list (structured config)');
  }
}

function checkCrossKeyRules(s: PilotSettings, raw: Readonly<Record<string, string>>): void {
  if (s.consensus === 'qbft' && s.validators.count < 4) {
    throw new StackConfigError(configKeyFor(['validators', 'count']), `qbft needs at least 4 validators to tolerate one fault (got ${s.validators.count})`);
  }
  const vpc = parseCidr(s.vpcCidr);
  if (vpc.prefix > 22) throw new StackConfigError(configKeyFor(['vpcCidr']), `must be /22 or wider to hold the subnets (got /${vpc.prefix})`);
  const seen = new Set<string>();
  s.gateways.forEach((g, i) => {
    if (seen.has(g.name)) throw new StackConfigError(configKeyFor(['gateways', i, 'name']), `duplicate gateway name ${g.name}`);
    seen.add(g.name);
    if (/^validator-\d+$/.test(g.name)) throw new StackConfigError(configKeyFor(['gateways', i, 'name']), `${g.name} is reserved for validators`);
    const address = { base: parseIpv4(g.p2pAddress), prefix: 32 };
    if (cidrContains(vpc, address)) {
      throw new StackConfigError(configKeyFor(['gateways', i, 'p2pAddress']), `${g.p2pAddress} lies inside the VPC ${s.vpcCidr}; give the on-premises address`);
    }
    if (raw[`${CONFIG_NAMESPACE}:${g.sshKeyConfig}`] === undefined) {
      throw new StackConfigError(`${CONFIG_NAMESPACE}:${g.sshKeyConfig}`, `required for gateway ${g.name}; run \`pulumi config set --secret ${g.sshKeyConfig} < key.pem\``);
    }
  });
  if (s.consensus === 'clique' && s.besuVersion !== undefined && compareVersions(s.besuVersion, '26.4.0') >= 0) {
    throw new StackConfigError(configKeyFor(['besuVersion']), `Besu ${s.besuVersion} cannot produce Clique blocks (removed in 26.4.0); use 26.2.0 or consensus qbft`);
  }
  // Secret values are checked for shape only; messages never echo them.
  const seed = raw[`${CONFIG_NAMESPACE}:keySeed`];
  if (seed === undefined) {
    throw new StackConfigError(`${CONFIG_NAMESPACE}:keySeed`, 'required; run `pulumi config set --secret keySeed $(openssl rand -hex 32)`');
  }
  if (!/^[0-9a-f]{64}$/i.test(seed)) {
    throw new StackConfigError(`${CONFIG_NAMESPACE}:keySeed`, 'must be 32 random bytes as 64 hex characters (openssl rand -hex 32)');
  }
  const deployerKey = raw[`${CONFIG_NAMESPACE}:deployerKey`];
  if (s.deploy.enabled && deployerKey === undefined) {
    throw new StackConfigError(`${CONFIG_NAMESPACE}:deployerKey`, 'required while deploy.enabled is true; run `pulumi config set --secret deployerKey 0x<64 hex>`');
  }
  if (deployerKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(deployerKey)) {
    throw new StackConfigError(`${CONFIG_NAMESPACE}:deployerKey`, 'must be a private key as 0x followed by 64 hex characters');
  }
}

/** A secret config value of this project as a Pulumi secret output (presence checked by parseStackConfig). */
export function secretConfig(key: string): pulumi.Output<string> {
  return new pulumi.Config(CONFIG_NAMESPACE).requireSecret(key);
}
