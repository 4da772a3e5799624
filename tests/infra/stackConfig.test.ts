// Stack config validation: the example Pulumi.pilot.example.yaml is valid and builds the stack; every
// bad config fails with a message naming the key, before any resource is registered.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { checkedStackConfig } from '../../infra/consortiumPlan.js';
import { buildPilotStack } from '../../infra/pilotStack.js';
import { parseStackConfig } from '../../infra/stackConfig.js';
import { StackConfigError } from '../../infra/stackConfigError.js';
import { DerchainInputError } from '../../errors/inputError.js';
import { GATEWAYS, SECRET_CONFIG_KEYS, SECRET_DEPLOYER_KEY, SECRET_SEED, SECRET_SSH_KEY, pilotConfig } from './pilotFixture.js';
import { runWithMocks } from './pulumiMocks.js';

/** Pulumi.<stack>.yaml -> the raw key/value strings Pulumi hands the program. */
function rawConfigOf(file: string): Record<string, string> {
  const doc = parse(readFileSync(file, 'utf8')) as { config: Record<string, unknown> };
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.config)) raw[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return raw;
}

const json = (v: unknown) => JSON.stringify(v);

/** [what is wrong, config overrides, the key the message must name, a phrase it must contain] */
const BAD: [string, Record<string, string | undefined>, string, RegExp][] = [
  ['no region', { 'aws:region': undefined }, 'aws:region', /required/],
  ['no consensus', { 'derchain:consensus': undefined }, 'derchain:consensus', /required/],
  ['unknown consensus', { 'derchain:consensus': 'ibft2' }, 'derchain:consensus', /clique|qbft/],
  ['no validators', { 'derchain:validators': undefined }, 'derchain:validators', /required/],
  ['zero validators', { 'derchain:validators': json({ count: 0 }) }, 'derchain:validators.count', />=\s*1|too small/i],
  ['qbft with 3 validators', { 'derchain:consensus': 'qbft', 'derchain:validators': json({ count: 3 }) }, 'derchain:validators.count', /at least 4/],
  ['typo inside validators', { 'derchain:validators': json({ count: 4, instanceTyp: 't3.large' }) }, 'derchain:validators', /instanceTyp/],
  ['bad instance type', { 'derchain:validators': json({ count: 4, instanceType: 'large' }) }, 'derchain:validators.instanceType', /instance type/],
  ['block period not a number', { 'derchain:blockPeriodSeconds': 'fast' }, 'derchain:blockPeriodSeconds', /number/],
  ['block period too long', { 'derchain:blockPeriodSeconds': '600' }, 'derchain:blockPeriodSeconds', /60|too big/i],
  ['unknown key', { 'derchain:validatorCount': '4' }, 'derchain:validatorCount', /unknown key/],
  ['operator CIDR open to the world', { 'derchain:operatorCidrs': json(['0.0.0.0/0']) }, 'derchain:operatorCidrs[0]', /wider than \/8/],
  ['no operator CIDRs', { 'derchain:operatorCidrs': json([]) }, 'derchain:operatorCidrs', /1|too small/i],
  ['bad prometheus CIDR', { 'derchain:prometheusCidr': '10.0.0.1/24' }, 'derchain:prometheusCidr', /host bits/],
  ['gateway without host key', { 'derchain:gateways': json([{ ...GATEWAYS[0], sshHostKey: undefined }]) }, 'derchain:gateways[0].sshHostKey', /required/],
  ['gateway with bad address', { 'derchain:gateways': json([{ ...GATEWAYS[0], p2pAddress: '192.168.10.300' }]) }, 'derchain:gateways[0].p2pAddress', /IPv4/],
  ['gateway inside the VPC', { 'derchain:gateways': json([{ ...GATEWAYS[0], p2pAddress: '10.42.1.5' }]) }, 'derchain:gateways[0].p2pAddress', /inside the VPC/],
  ['duplicate gateway', { 'derchain:gateways': json([GATEWAYS[0], { ...GATEWAYS[1], name: GATEWAYS[0]!.name }]) }, 'derchain:gateways[1].name', /duplicate/],
  ['gateway key missing', { 'derchain:gatewaySshKey': undefined }, 'derchain:gatewaySshKey', /required for gateway/],
  ['no key seed', { 'derchain:keySeed': undefined }, 'derchain:keySeed', /required/],
  ['weak key seed', { 'derchain:keySeed': 'password' }, 'derchain:keySeed', /64 hex/],
  ['no deployer key', { 'derchain:deployerKey': undefined }, 'derchain:deployerKey', /required/],
  ['Clique on a Besu without Clique', { 'derchain:besuVersion': '26.8.0' }, 'derchain:besuVersion', /Clique/],
  ['public chain id', { 'derchain:chainId': '11155111' }, 'derchain:chainId', /public Ethereum/],
  ['VPC too small', { 'derchain:vpcCidr': '10.42.0.0/24' }, 'derchain:vpcCidr', /\/22/],
  ['too many zones', { 'derchain:availabilityZoneCount': '7' }, 'derchain:availabilityZoneCount', /6|too big/i],
  ['deploy via carrier pigeon', { 'derchain:deploy': json({ via: 'pigeon' }) }, 'derchain:deploy.via', /ssm|direct/],
  ['not structured', { 'derchain:validators': 'four' }, 'derchain:validators', /object or list/],
];

describe('infra stack config', () => {
  it('accepts the example Pulumi.pilot.example.yaml (with its secrets set) and builds the stack from it', async () => {
    const raw = {
      ...rawConfigOf('Pulumi.pilot.example.yaml'),
      'derchain:keySeed': SECRET_SEED,
      'derchain:deployerKey': SECRET_DEPLOYER_KEY,
      'derchain:gatewaySshKey': SECRET_SSH_KEY,
    };
    const settings = parseStackConfig(raw);
    assert.equal(settings.validators.count, 4);
    assert.equal(settings.gateways.length, 2);
    assert.equal(settings.gateways[1]!.sshUser, 'derchain', 'default filled in');
    const { mocks, outputs } = await runWithMocks(raw, SECRET_CONFIG_KEYS, buildPilotStack, (s) => s.outputs);
    assert.equal(mocks.resources.filter((r) => r.type === 'aws:ec2/instance:Instance').length, 4);
    assert.equal(mocks.resources.filter((r) => r.type === 'aws:ec2/vpnConnection:VpnConnection').length, 1);
    assert.equal(outputs.besuImage, 'hyperledger/besu:26.2.0');
  });

  for (const [what, overrides, key, phrase] of BAD) {
    it(`rejects ${what}, naming ${key}, before any resource exists`, async () => {
      assert.throws(
        () => checkedStackConfig(pilotConfig(overrides), 'pilot'),
        (err: unknown) => {
          assert.ok(err instanceof StackConfigError, String(err));
          assert.ok(err instanceof DerchainInputError);
          assert.equal(err.key, key, err.message);
          assert.ok(err.message.startsWith(`stack config ${key}: `), err.message);
          assert.match(err.message, phrase);
          for (const secret of [SECRET_SEED, SECRET_DEPLOYER_KEY, 'password']) assert.ok(!err.message.includes(secret), 'message leaks a secret');
          return true;
        },
      );
      const { mocks } = await runWithMocks(pilotConfig(overrides), SECRET_CONFIG_KEYS, () => {
        try {
          buildPilotStack();
        } catch (err) {
          return { error: (err as Error).message };
        }
        return { error: 'none' };
      });
      assert.deepEqual(mocks.resources.map((r) => r.type), ['pulumi:pulumi:Stack'], 'no resource registered');
    });
  }
});
