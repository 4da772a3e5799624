// Test support for the infra tests: Pulumi mocks that record every registered resource (type,
// name, inputs) and answer the few provider calls the stack makes (availability zones, AMI), a
// runner that executes the stack program with a given config and waits until registration
// settles, and decoding of the gzip+base64 files embedded in user-data and SSH scripts.
import * as pulumi from '@pulumi/pulumi';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const TEST_ZONES = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];
export const TEST_AMI = 'ami-0123456789abcdef0';
export const TEST_COORDINATOR = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

function hex(name: string, length: number): string {
  return createHash('sha256').update(name).digest('hex').slice(0, length);
}

export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    this.resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
    const state: Record<string, unknown> = { ...args.inputs };
    let id = `${args.name}-id`;
    switch (args.type) {
      case 'aws:ebs/volume:Volume':
        id = `vol-${hex(args.name, 17)}`;
        break;
      case 'aws:ec2/instance:Instance':
        id = `i-${hex(args.name, 17)}`;
        break;
      case 'aws:kms/key:Key':
        state.arn = `arn:aws:kms:eu-central-1:111122223333:key/${hex(args.name, 32)}`;
        state.keyId = hex(args.name, 32);
        break;
      case 'aws:ssm/parameter:Parameter':
        state.arn = `arn:aws:ssm:eu-central-1:111122223333:parameter${String(args.inputs.name)}`;
        break;
      case 'command:local:Command':
        state.stdout = args.name.endsWith('-deploy')
          ? `compiling...\n${JSON.stringify({ coordinator: TEST_COORDINATOR, chainId: 46210 })}`
          : '7';
        break;
      default:
        break;
    }
    if (state.arn === undefined) state.arn = `arn:aws:mock:::${args.type}/${args.name}`;
    if (args.type === 'aws:iam/role:Role' || args.type === 'aws:iam/instanceProfile:InstanceProfile') state.name = `${args.name}-${hex(args.name, 6)}`;
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    switch (args.token) {
      case 'aws:index/getAvailabilityZones:getAvailabilityZones':
        return { names: TEST_ZONES, zoneIds: TEST_ZONES.map((z) => `euc1-${z.slice(-1)}`), id: 'eu-central-1' };
      case 'aws:ec2/getAmi:getAmi':
        return { id: TEST_AMI, architecture: 'x86_64' };
      default:
        throw new Error(`unexpected provider call ${args.token}`);
    }
  }
}

/** Pulumi's wire marker of a secret value: mocks receive secret inputs as { [SIG]: SECRET, value }. */
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

export function isSecretInput(v: unknown): boolean {
  return v !== null && typeof v === 'object' && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The value with every secret wrapper removed (deep). */
export function plain(v: unknown): unknown {
  if (isSecretInput(v)) return plain((v as { value: unknown }).value);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Resolves a Pulumi output in a test (undefined while unknown). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

/**
 * Runs `program` under fresh mocks with the given config (full keys -> raw strings; secretKeys
 * marks secret ones). Returns the recorder, the program's return value and its resolved outputs.
 */
export async function runWithMocks<T>(
  config: Record<string, string>,
  secretKeys: string[],
  program: () => T,
  exportsOf: (result: T) => unknown = (r) => r,
): Promise<{ mocks: RecordingMocks; result: T; outputs: Record<string, unknown> }> {
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, 'derchain', 'pilot', false);
  pulumi.runtime.setAllConfig(config, secretKeys);
  let result!: T;
  const outputs = (await pulumi.runtime.runInPulumiStack(async () => {
    result = program();
    return exportsOf(result) as pulumi.Inputs;
  })) as Record<string, unknown>;
  // Wait until every resource has registered (some wait for inputs that resolve late).
  let last = -1;
  for (let stable = 0; stable < 5; ) {
    await new Promise((r) => setTimeout(r, 20));
    if (mocks.resources.length === last) stable++;
    else {
      stable = 0;
      last = mocks.resources.length;
    }
  }
  return { mocks, result, outputs: outputs ?? {} };
}

/** The files a script embeds (gzip + base64 heredocs), decoded, so tests can scan their content too. */
export function embeddedFiles(script: string): string[] {
  const out: string[] = [];
  const re = /<<'(DERCHAIN_FILE_[A-Z0-9_]+)'\n([\s\S]*?)\n\1\n/g;
  for (const m of script.matchAll(re)) out.push(gunzipSync(Buffer.from(m[2]!.replace(/\n/g, ''), 'base64')).toString('utf8'));
  return out;
}

/** Every string inside a value (deep), plus the decoded files embedded in any of them. */
export function allStrings(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      out.push(v, ...embeddedFiles(v));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}
