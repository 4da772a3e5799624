// The consortium description: one YAML file naming the chain (id, consensus, block period, epoch,
// gas limit), the validators, the non-validator member nodes on IoT gateway hosts, the bootnodes and
// the pre-funded accounts. Validated with zod; every error names the file, the key path and the line.
import { BlockList, isIP } from 'node:net';
import { getAddress, isAddress, parseUnits } from 'viem';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConsortiumSpecError } from './errors.js';

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const nodeName = z
  .string()
  .regex(NAME_RE, 'must be lowercase letters, digits and dashes (1-63 chars), starting with a letter or digit');

const port = z.number().int().min(1).max(65535);

/** Private-interface address of a node. Enode URLs need an IP (Besu resolves DNS names only with --Xdns-enabled). */
const hostAddress = z
  .string()
  .refine((h) => isIP(h) === 4, 'must be the IPv4 address of the node\'s private interface')
  .refine((h) => h !== '0.0.0.0', 'must be a concrete interface address, not 0.0.0.0');

/**
 * Address ranges that are not routed on the public Internet: RFC 1918 private networks, loopback,
 * link-local, carrier-grade NAT (RFC 6598) and the benchmarking range. A node host outside them
 * would put the JSON-RPC API (bound to that interface) on the Internet.
 */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10],
  ['198.18.0.0', 15],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}

/** Whether an IPv4 address is reachable from the public Internet (not private, loopback, ...). */
export function isPublicIpv4(host: string): boolean {
  return isIP(host) === 4 && !NON_PUBLIC.check(host, 'ipv4');
}

const nodeSchema = z.strictObject({
  name: nodeName,
  host: hostAddress,
  region: z.string().min(1).optional(),
  p2pPort: port.default(30303),
  rpcPort: port.default(8545),
});

const BALANCE_RE = /^\s*(\d+(?:\.\d+)?)\s*(wei|gwei|ether|eth)?\s*$/i;
const UNIT_DECIMALS: Record<string, number> = { wei: 0, gwei: 9, ether: 18, eth: 18 };

/** "1000 ether", "5 gwei", "123 wei" or a bare integer (wei) -> decimal wei string. */
const balance = z.union([z.string(), z.number().int().nonnegative()]).transform((v, ctx) => {
  const m = BALANCE_RE.exec(String(v));
  if (m === null) {
    ctx.addIssue({ code: 'custom', message: 'must be an amount like "1000 ether", "5 gwei" or an integer number of wei' });
    return z.NEVER;
  }
  const unit = (m[2] ?? 'wei').toLowerCase();
  try {
    return parseUnits(m[1], UNIT_DECIMALS[unit]).toString();
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${String(v)}" is not a whole number of wei` });
    return z.NEVER;
  }
});

const accountSchema = z.strictObject({
  address: z
    .string()
    .refine((a) => isAddress(a, { strict: true }), 'must be a 20-byte hex address (0x...) with a valid checksum if mixed case')
    .transform((a) => getAddress(a)),
  balance,
  label: z.string().optional(),
});

const RPC_APIS = ['ETH', 'NET', 'WEB3', 'CLIQUE', 'QBFT', 'TXPOOL', 'ADMIN', 'DEBUG', 'PERM', 'TRACE'] as const;

/**
 * Consortium governance in the genesis (QBFT only): with `validatorSelection: contract`, Besu takes
 * the validator set from the governance contract's getValidators() at `contractAddress`, which the
 * genesis pre-deploys with these members and the spec's validators.
 */
const governanceSchema = z.strictObject({
  validatorSelection: z.enum(['genesis', 'contract']).default('genesis'),
  members: z
    .array(
      z.strictObject({
        address: z
          .string()
          .refine((a) => isAddress(a, { strict: true }), 'must be a 20-byte hex address (0x...) with a valid checksum if mixed case')
          .transform((a) => getAddress(a)),
        name: z.string().min(1),
      }),
    )
    .default([]),
  // the governance contract accepts at most 366 days (Governance.MAX_VOTING_PERIOD)
  votingPeriodSeconds: z.number().int().min(60).max(366 * 24 * 3600).default(604800),
  contractAddress: z
    .string()
    .refine((a) => isAddress(a, { strict: true }), 'must be a 20-byte hex address')
    .transform((a) => getAddress(a))
    .optional(),
});

const rpcSchema = z.strictObject({
  apis: z.array(z.enum(RPC_APIS)).min(1).optional(),
  /** Extra host names allowed to call the JSON-RPC API (Besu host-allowlist); "*" is refused. */
  hostAllowlist: z
    .array(z.string().min(1).refine((h) => h !== '*', '"*" would open the API to any host name; list the hosts'))
    .default([]),
  /**
   * Nodes bind JSON-RPC to their host address, so a public host address would put the API on the
   * Internet. Refused unless this is true (then `network generate` and `validate` warn).
   */
  allowPublicHosts: z.boolean().default(false),
});

export const consortiumSpecSchema = z
  .strictObject({
    name: nodeName,
    chainId: z
      .number()
      .int()
      .min(2)
      .max(Number.MAX_SAFE_INTEGER)
      .refine((id) => ![1, 5, 11155111, 17000].includes(id), 'is a public Ethereum network id; choose a private one'),
    consensus: z.enum(['clique', 'qbft']),
    blockPeriodSeconds: z.number().int().min(1).max(3600),
    epoch: z.number().int().min(1).default(30000),
    gasLimit: z.number().int().min(5000).max(Number.MAX_SAFE_INTEGER),
    createEmptyBlocks: z.boolean().default(true),
    /**
     * Unix time (s) of the genesis block, default 0. A launch time in the future lets every
     * validator start and peer before block 1 is due; with 0 each one seals its own block 1 as it
     * starts (seen on Besu Clique: four competing first blocks, then the chain stalls).
     */
    genesisTimestamp: z.number().int().min(0).optional(),
    /** QBFT round timeout; defaults to max(10, 2 * blockPeriodSeconds). */
    requestTimeoutSeconds: z.number().int().min(1).optional(),
    validators: z.array(nodeSchema).min(1, 'needs at least one validator'),
    members: z.array(nodeSchema).default([]),
    bootnodes: z.array(nodeName).default([]),
    accounts: z.array(accountSchema).default([]),
    rpc: rpcSchema.default({ hostAllowlist: [], allowPublicHosts: false }),
    governance: governanceSchema.optional(),
    /** Docker image for docker-compose.yml; defaults per consensus (see besuRelease.ts). */
    besuImage: z.string().regex(/^[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/, 'must be an image reference like hyperledger/besu:26.2.0').optional(),
  })
  .superRefine((spec, ctx) => {
    const all = [
      ...spec.validators.map((n, i) => ({ n, path: ['validators', i] })),
      ...spec.members.map((n, i) => ({ n, path: ['members', i] })),
    ];
    const names = new Map<string, string>();
    const endpoints = new Map<string, string>();
    for (const { n, path } of all) {
      if (!spec.rpc.allowPublicHosts && isPublicIpv4(n.host)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'host'],
          message: `${n.host} is a public address and JSON-RPC binds to it; use the node's private interface (or set rpc.allowPublicHosts: true, not advised)`,
        });
      }
      if (names.has(n.name)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'name'], message: `duplicate node name "${n.name}" (also ${names.get(n.name)})` });
      } else names.set(n.name, path.join('.'));
      for (const [kind, p] of [['p2p', n.p2pPort], ['rpc', n.rpcPort]] as const) {
        const key = `${n.host}:${p}`;
        if (endpoints.has(key)) {
          ctx.addIssue({ code: 'custom', path: [...path, kind === 'p2p' ? 'p2pPort' : 'rpcPort'], message: `${key} is already used by ${endpoints.get(key)}` });
        } else endpoints.set(key, `${path.join('.')} (${kind})`);
      }
    }
    spec.bootnodes.forEach((b, i) => {
      if (!names.has(b)) ctx.addIssue({ code: 'custom', path: ['bootnodes', i], message: `"${b}" is not the name of a validator or member` });
    });
    const seen = new Set<string>();
    spec.accounts.forEach((a, i) => {
      if (seen.has(a.address)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'address'], message: `duplicate account ${a.address}` });
      seen.add(a.address);
    });
    if (spec.consensus === 'clique' && spec.rpc.apis?.includes('QBFT')) {
      ctx.addIssue({ code: 'custom', path: ['rpc', 'apis'], message: 'QBFT API on a clique network' });
    }
    if (spec.governance?.validatorSelection === 'contract') {
      if (spec.consensus !== 'qbft') {
        ctx.addIssue({ code: 'custom', path: ['governance', 'validatorSelection'], message: 'contract validator selection is a QBFT option (Clique votes go through the validator bridge)' });
      }
      if (spec.governance.members.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['governance', 'members'], message: 'contract validator selection needs at least one governance member' });
      }
    }
    if (spec.consensus === 'qbft' && spec.rpc.apis?.includes('CLIQUE')) {
      ctx.addIssue({ code: 'custom', path: ['rpc', 'apis'], message: 'CLIQUE API on a qbft network' });
    }
  });

/** Warnings for a valid description: node hosts with public addresses (rpc.allowPublicHosts). */
export function specWarnings(spec: ConsortiumSpec): string[] {
  return [...spec.validators, ...spec.members]
    .filter((n) => isPublicIpv4(n.host))
    .map((n) => `node ${n.name}: JSON-RPC binds to the public address ${n.host} (rpc.allowPublicHosts is true); keep port ${n.rpcPort} closed to the Internet`);
}

/** The validated description (defaults filled in, balances in wei). */
export type ConsortiumSpec = z.output<typeof consortiumSpecSchema>;
/** The description as written (defaults optional, balances with units). */
export type ConsortiumSpecInput = z.input<typeof consortiumSpecSchema>;
export type ConsortiumNodeSpec = ConsortiumSpec['validators'][number];

function pathString(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** Validate an already-parsed object (e.g. built in code by the infra stack). */
export function validateConsortiumSpec(value: unknown, file = '<spec>', lineOf?: (path: PropertyKey[]) => number | undefined): ConsortiumSpec {
  const r = consortiumSpecSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const rest = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? 's' : ''})` : '';
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  // Point at the deepest key that exists in the file.
  let line: number | undefined;
  for (let k = path.length; k >= 0 && line === undefined && lineOf; k--) line = lineOf(path.slice(0, k));
  throw new ConsortiumSpecError(file, pathString(path), `${issue.message}${rest}`, line);
}

/** Parse and validate a consortium description (YAML; JSON is YAML too). */
export function parseConsortiumSpec(text: string, file: string): ConsortiumSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new ConsortiumSpecError(file, '', `invalid YAML: ${e.message.split('\n')[0]}`, line);
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConsortiumSpecError(file, '', 'expected a mapping with chainId, consensus, validators, ...');
  }
  const lineOf = (path: PropertyKey[]): number | undefined => {
    const node = path.length === 0 ? doc.contents : doc.getIn(path as (string | number)[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  return validateConsortiumSpec(value, file, lineOf);
}
