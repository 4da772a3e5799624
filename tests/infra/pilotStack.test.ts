// The pilot stack program under Pulumi mocks: resource counts follow the config, every security
// group rule obeys the network policy, volumes are encrypted, IMDSv2 is required, each node's role
// reads only its own key, no secret appears in any user-data, script, tag or output (embedded
// files decoded), the secret carriers are Pulumi secrets, and every taggable resource is tagged.
import assert from 'node:assert/strict';
import * as pulumi from '@pulumi/pulumi';
import { consortiumSpecOf } from '../../infra/consortiumPlan.js';
import { buildPilotStack, type PilotStack } from '../../infra/pilotStack.js';
import { parseStackConfig } from '../../infra/stackConfig.js';
import { TAG_COMPONENT, TAG_PROJECT, TAG_STACK } from '../../infra/tags.js';
import { generateNetwork } from '../../network-config/generate.js';
import { addressOf } from '../../network-config/keys.js';
import {
  GATEWAYS,
  OPERATOR_CIDRS,
  PROMETHEUS_CIDR,
  SECRET_CONFIG_KEYS,
  SECRET_DEPLOYER_KEY,
  SECRET_SEED,
  SECRET_SSH_KEY,
  pilotConfig,
} from './pilotFixture.js';
import { TEST_COORDINATOR, allStrings, isSecretInput, plain, runWithMocks, valueOf, type RecordedResource, type RecordingMocks } from './pulumiMocks.js';

const INGRESS = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';
const EGRESS = 'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule';

function ofType(mocks: RecordingMocks, type: string): RecordedResource[] {
  return mocks.resources.filter((r) => r.type === type);
}

function countOf(mocks: RecordingMocks, type: string): number {
  return ofType(mocks, type).length;
}

async function run(overrides: Record<string, string | undefined> = {}) {
  return runWithMocks(pilotConfig(overrides), SECRET_CONFIG_KEYS, buildPilotStack, (s) => s.outputs);
}

describe('infra pilot stack (Pulumi mocks)', () => {
  let mocks: RecordingMocks;
  let stack: PilotStack;
  let outputs: Record<string, unknown>;

  before(async () => {
    ({ mocks, result: stack, outputs } = await run());
  });

  it('creates resources in the numbers the config asks for', () => {
    assert.equal(countOf(mocks, 'aws:ec2/instance:Instance'), 4);
    assert.equal(countOf(mocks, 'aws:ebs/volume:Volume'), 4);
    assert.equal(countOf(mocks, 'aws:ec2/volumeAttachment:VolumeAttachment'), 4);
    assert.equal(countOf(mocks, 'aws:ssm/parameter:Parameter'), 4);
    assert.equal(countOf(mocks, 'aws:iam/role:Role'), 4);
    assert.equal(countOf(mocks, 'aws:iam/rolePolicy:RolePolicy'), 4);
    assert.equal(countOf(mocks, 'aws:ec2/subnet:Subnet'), 3 + 1, 'three private subnets and one public');
    assert.equal(countOf(mocks, 'derchain:infra:GatewayHost'), 2);
    assert.equal(countOf(mocks, 'command:remote:Command'), 2 * 2, 'install + configure per gateway');
    assert.equal(countOf(mocks, 'command:local:Command'), 2, 'readiness check + deploy');
    assert.equal(countOf(mocks, 'aws:ec2/vpnConnection:VpnConnection'), 0);
    const sizes = ofType(mocks, 'aws:ebs/volume:Volume').map((v) => v.inputs.size);
    assert.deepEqual(sizes, [200, 200, 200, 200]);
    const types = ofType(mocks, 'aws:ec2/instance:Instance').map((i) => i.inputs.instanceType);
    assert.deepEqual(new Set(types), new Set(['t3.large']));
  });

  it('spreads validators over the availability zones at their planned addresses', () => {
    const instances = ofType(mocks, 'aws:ec2/instance:Instance');
    const ips = instances.map((i) => i.inputs.privateIp).sort();
    assert.deepEqual(ips, ['10.42.0.10', '10.42.0.11', '10.42.32.10', '10.42.64.10']);
    const zones = ofType(mocks, 'aws:ec2/subnet:Subnet').filter((s) => s.name.includes('private')).map((s) => s.inputs.availabilityZone);
    assert.deepEqual(zones, ['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    for (const i of instances) assert.equal(i.inputs.associatePublicIpAddress, false);
    for (const s of ofType(mocks, 'aws:ec2/subnet:Subnet')) assert.equal(s.inputs.mapPublicIpOnLaunch, false);
  });

  it('follows a different config: 5 validators over 2 zones, one gateway, no Prometheus, VPN, deploy off', async () => {
    const { mocks: m, outputs: o } = await run({
      'derchain:consensus': 'qbft',
      'derchain:validators': JSON.stringify({ count: 5, instanceType: 'm7g.large' }),
      'derchain:availabilityZoneCount': '2',
      'derchain:gateways': JSON.stringify(GATEWAYS.slice(0, 1)),
      'derchain:prometheusCidr': undefined,
      'derchain:deploy': JSON.stringify({ enabled: false }),
      'derchain:deployerKey': undefined,
      'derchain:onPremVpn': JSON.stringify({ customerGatewayIp: '203.0.113.7', onPremCidrs: ['192.168.0.0/16'] }),
    });
    assert.equal(countOf(m, 'aws:ec2/instance:Instance'), 5);
    assert.equal(countOf(m, 'aws:ec2/subnet:Subnet'), 2 + 1);
    assert.equal(countOf(m, 'command:remote:Command'), 2);
    assert.equal(countOf(m, 'command:local:Command'), 0);
    assert.equal(countOf(m, 'aws:ec2/vpnConnection:VpnConnection'), 1);
    assert.equal(countOf(m, 'aws:ec2/vpnConnectionRoute:VpnConnectionRoute'), 1);
    const ingress = ofType(m, INGRESS);
    assert.ok(ingress.every((r) => r.inputs.fromPort !== 9545), 'no metrics rule without prometheusCidr');
    assert.equal(o.coordinatorAddress, undefined);
    assert.equal(o.besuImage, 'hyperledger/besu:26.8.0', 'network-config pin for QBFT');
    assert.equal(m.resources.filter((r) => r.type === 'aws:ec2/instance:Instance').every((i) => i.inputs.instanceType === 'm7g.large'), true);
  });

  it('checks every security group rule against the network policy', () => {
    const sgId = 'consortium-nodes-id';
    const gatewayCidrs = GATEWAYS.map((g) => `${g.p2pAddress}/32`);
    const rules = [...ofType(mocks, INGRESS), ...ofType(mocks, EGRESS)];
    assert.ok(rules.length > 0);
    assert.equal(countOf(mocks, 'aws:ec2/securityGroup:SecurityGroup'), 1);
    const sg = ofType(mocks, 'aws:ec2/securityGroup:SecurityGroup')[0]!;
    assert.equal(sg.inputs.ingress, undefined, 'no inline rules');
    assert.equal(sg.inputs.egress, undefined, 'no inline rules');
    const seen = new Set<string>();
    for (const r of ofType(mocks, INGRESS)) {
      const i = r.inputs;
      assert.equal(i.securityGroupId, sgId, r.name);
      assert.equal(i.fromPort, i.toPort, `${r.name}: single port`);
      assert.equal(i.cidrIpv6, undefined, `${r.name}: no IPv6 ingress`);
      assert.notEqual(i.cidrIpv4, '0.0.0.0/0', `${r.name}: open to the world`);
      assert.ok(i.cidrIpv4 === undefined || /\/(\d+)$/.exec(String(i.cidrIpv4))![1] !== '0', r.name);
      const source = i.referencedSecurityGroupId !== undefined ? 'nodes' : String(i.cidrIpv4);
      switch (i.fromPort) {
        case 30303:
          assert.ok(i.ipProtocol === 'tcp' || i.ipProtocol === 'udp', r.name);
          assert.ok(source === 'nodes' ? i.referencedSecurityGroupId === sgId : gatewayCidrs.includes(source), `${r.name}: p2p from ${source}`);
          break;
        case 8545:
          assert.equal(i.ipProtocol, 'tcp', r.name);
          assert.ok(gatewayCidrs.includes(source) || OPERATOR_CIDRS.includes(source), `${r.name}: RPC from ${source}`);
          break;
        case 9545:
          assert.equal(i.ipProtocol, 'tcp', r.name);
          assert.equal(source, PROMETHEUS_CIDR, r.name);
          break;
        default:
          assert.fail(`${r.name}: unexpected ingress port ${String(i.fromPort)}`);
      }
      seen.add(`${String(i.fromPort)}/${String(i.ipProtocol)}/${source}`);
    }
    // Every required path exists.
    for (const proto of ['tcp', 'udp']) {
      assert.ok(seen.has(`30303/${proto}/nodes`));
      for (const g of gatewayCidrs) assert.ok(seen.has(`30303/${proto}/${g}`), `p2p ${proto} from ${g}`);
    }
    for (const c of [...gatewayCidrs, ...OPERATOR_CIDRS]) assert.ok(seen.has(`8545/tcp/${c}`), `rpc from ${c}`);
    assert.ok(seen.has(`9545/tcp/${PROMETHEUS_CIDR}`));

    for (const r of ofType(mocks, EGRESS)) {
      const i = r.inputs;
      assert.equal(i.securityGroupId, sgId, r.name);
      if (i.fromPort === 443) {
        assert.equal(i.ipProtocol, 'tcp');
        assert.equal(i.cidrIpv4, '0.0.0.0/0');
      } else {
        assert.equal(i.fromPort, 30303, `${r.name}: unexpected egress port`);
        const dest = i.referencedSecurityGroupId !== undefined ? 'nodes' : String(i.cidrIpv4);
        assert.ok(dest === 'nodes' || gatewayCidrs.includes(dest), `${r.name}: p2p to ${dest}`);
      }
    }
    assert.deepEqual(stack.consortium.rules.length, rules.length, 'one resource per rule in the policy data');
  });

  it('encrypts every volume with the consortium key and requires IMDSv2', () => {
    const kmsArn = /^arn:aws:kms:/;
    for (const v of ofType(mocks, 'aws:ebs/volume:Volume')) {
      assert.equal(v.inputs.encrypted, true, v.name);
      assert.match(String(v.inputs.kmsKeyId), kmsArn, v.name);
    }
    for (const i of ofType(mocks, 'aws:ec2/instance:Instance')) {
      const root = i.inputs.rootBlockDevice as Record<string, unknown>;
      assert.equal(root.encrypted, true, `${i.name} root volume`);
      const md = i.inputs.metadataOptions as Record<string, unknown>;
      assert.equal(md.httpTokens, 'required', `${i.name} IMDSv2`);
      assert.equal(md.httpPutResponseHopLimit, 1, `${i.name} hop limit keeps containers off IMDS`);
      assert.equal(i.inputs.ebsBlockDevices, undefined);
    }
    for (const p of ofType(mocks, 'aws:ssm/parameter:Parameter')) {
      assert.equal(p.inputs.type, 'SecureString', p.name);
      assert.match(String(p.inputs.keyId), kmsArn, p.name);
    }
    const key = ofType(mocks, 'aws:kms/key:Key')[0]!;
    assert.equal(key.inputs.enableKeyRotation, true);
  });

  it('lets each node role read only its own key parameter', () => {
    const params = ofType(mocks, 'aws:ssm/parameter:Parameter');
    const policies = ofType(mocks, 'aws:iam/rolePolicy:RolePolicy');
    assert.equal(policies.length, params.length);
    for (const pol of policies) {
      const node = pol.name.replace(/-nodekey-access$/, '');
      const own = `arn:aws:ssm:eu-central-1:111122223333:parameter/derchain/pilot/nodes/${node}/nodekey`;
      assert.equal(pol.inputs.role, `${node}-role-id`);
      const doc = JSON.parse(String(pol.inputs.policy)) as { Statement: { Action: string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> }[] };
      for (const st of doc.Statement) {
        const resources = ([] as string[]).concat(st.Resource);
        for (const action of st.Action) {
          assert.ok(!action.includes('*'), `${node}: wildcard action ${action}`);
          if (action.startsWith('ssm:GetParameter')) assert.deepEqual(resources, [own], `${node}: ${action} only on its own key`);
          if (action.startsWith('kms:')) {
            assert.equal(action, 'kms:Decrypt');
            assert.equal(st.Condition?.StringEquals?.['kms:EncryptionContext:PARAMETER_ARN'], own, `${node}: decrypt only its own key`);
          }
          if (action.startsWith('secretsmanager:') || action === 'ssm:GetParameters' || action === 'ssm:GetParametersByPath') {
            assert.fail(`${node}: ${action} not allowed`);
          }
        }
      }
      const granted = doc.Statement.flatMap((s) => s.Action);
      assert.ok(granted.includes('ssm:GetParameter'));
    }
    const trust = JSON.parse(String(ofType(mocks, 'aws:iam/role:Role')[0]!.inputs.assumeRolePolicy)) as { Statement: { Principal: { Service: string } }[] };
    assert.equal(trust.Statement[0]!.Principal.Service, 'ec2.amazonaws.com');
  });

  it('puts the generated node keys into the SSM parameters, and nowhere else', async () => {
    const settings = parseStackConfig(pilotConfig());
    const deployer = addressOf(SECRET_DEPLOYER_KEY.slice(2));
    const net = generateNetwork(consortiumSpecOf(settings, 'pilot', deployer), { seed: SECRET_SEED });
    const nodeKeys = net.nodes.map((n) => n.nodeKeyHex);
    assert.equal(nodeKeys.length, 6);
    const params = ofType(mocks, 'aws:ssm/parameter:Parameter');
    const validatorKeys = net.nodes.filter((n) => n.role === 'validator').map((n) => n.nodeKeyHex);
    assert.deepEqual(params.map((p) => plain(p.inputs.value)).sort(), [...validatorKeys].sort());
    for (const p of params) assert.ok(isSecretInput(p.inputs.value), `${p.name}: value sent as a secret`);

    const secrets = [...nodeKeys, SECRET_SEED, SECRET_DEPLOYER_KEY, SECRET_DEPLOYER_KEY.slice(2), 'b3BlbnNzaC1rZXktdjEAAAAAtestonlytestonly'];
    // Where a secret may legitimately travel (encrypted in state, never shown): the parameter value,
    // the SSH connection, the gateway command's stdin, the deploy command's environment.
    const carriers: Record<string, string[]> = {
      'aws:ssm/parameter:Parameter': ['value'],
      'command:remote:Command': ['connection', 'stdin'],
      'command:local:Command': ['environment'],
    };
    let scanned = 0;
    for (const r of mocks.resources) {
      const allowed = carriers[r.type] ?? [];
      for (const [field, value] of Object.entries(r.inputs)) {
        if (allowed.includes(field)) {
          assert.ok(isSecretInput(value), `${r.type} ${r.name}.${field} carries secrets and must be sent as a Pulumi secret`);
          continue;
        }
        for (const text of allStrings(value)) {
          scanned++;
          for (const s of secrets) assert.ok(!text.includes(s), `secret material in ${r.type} ${r.name}.${field}`);
        }
      }
    }
    assert.ok(scanned > 100);
    // Gateway nodes get their key on stdin; the stdin is exactly the key, and the script never has it.
    const configure = ofType(mocks, 'command:remote:Command').filter((c) => c.name.endsWith('-configure-node'));
    const memberKeys = net.nodes.filter((n) => n.role === 'member').map((n) => n.nodeKeyHex);
    assert.deepEqual(configure.map((c) => plain(c.inputs.stdin)).sort(), [...memberKeys].sort());
    // Outputs: scan everything the stack exports.
    for (const text of allStrings(outputs)) for (const s of secrets) assert.ok(!text.includes(s), 'secret material in a stack output');
    // The user-data embeds the files and says where the key comes from.
    const userData = String(ofType(mocks, 'aws:ec2/instance:Instance')[0]!.inputs.userData);
    const fetch = allStrings(userData).find((t) => t.includes('aws ssm get-parameter'));
    assert.ok(fetch, 'key-fetch helper embedded');
    assert.match(fetch, /--name '\/derchain\/pilot\/nodes\/validator-0\/nodekey' --with-decryption/);
    assert.match(userData, /^ExecStartPre|derchain-fetch-nodekey/m);
    assert.ok(allStrings(userData).some((t) => t.includes('"alloc"')), 'genesis embedded');
    assert.ok(allStrings(userData).some((t) => t.includes('hyperledger/besu:26.2.0')), 'pinned image in the unit');
  });

  it('marks every secret carrier as a Pulumi secret', async () => {
    for (const node of stack.validators) assert.equal(await pulumi.isSecret(node.keyParameter.value), true);
    for (const gw of stack.gateways) {
      assert.equal(await pulumi.isSecret(gw.configureNode.stdin), true, 'gateway key on stdin');
      assert.equal(await pulumi.isSecret(gw.configureNode.connection), true, 'SSH connection');
    }
    assert.ok(stack.deployment);
    assert.equal(await pulumi.isSecret(stack.deployment.deploy.environment), true, 'deployer key env');
    for (const node of stack.validators) assert.equal(await pulumi.isSecret(node.enode), false, 'enodes are public');
  });

  it('exports node identities and the deployed coordinator address', async () => {
    assert.equal(outputs.coordinatorAddress, TEST_COORDINATOR);
    assert.deepEqual(outputs.contracts, { coordinator: TEST_COORDINATOR });
    const validators = outputs.validators as { name: string; enode: string; host: string }[];
    assert.equal(validators.length, 4);
    for (const v of validators) assert.match(v.enode, new RegExp(`^enode://[0-9a-f]{128}@${v.host.replace(/\./g, '\\.')}:30303$`));
    assert.equal((outputs.gateways as unknown[]).length, 2);
    assert.equal(outputs.rpcEndpoint, 'http://10.42.0.10:8545');
    // The deploy waits for the readiness check, which waits for the validator nodes.
    const deployScript = await valueOf(stack.deployment!.deploy.create as pulumi.Output<string>);
    assert.match(deployScript, /node bin\/derchain\.mjs deploy --rpc "\$rpc" --json/);
    assert.match(deployScript, /eth_blockNumber/);
    assert.match(deployScript, /AWS-StartPortForwardingSessionToRemoteHost/);
  });

  it('tags every taggable AWS resource with project, stack, component, Name and the team tags', () => {
    const untaggable = new Set([
      'aws:kms/alias:Alias',
      'aws:iam/rolePolicy:RolePolicy',
      'aws:ec2/routeTableAssociation:RouteTableAssociation',
      'aws:ec2/volumeAttachment:VolumeAttachment',
      'aws:ec2/vpnConnectionRoute:VpnConnectionRoute',
      'aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation',
    ]);
    let checked = 0;
    for (const r of mocks.resources.filter((x) => x.type.startsWith('aws:') && !untaggable.has(x.type))) {
      const tags = r.inputs.tags as Record<string, string> | undefined;
      assert.ok(tags, `${r.type} ${r.name} has no tags`);
      assert.equal(tags[TAG_PROJECT], 'derchain', r.name);
      assert.equal(tags[TAG_STACK], 'pilot', r.name);
      assert.ok(tags[TAG_COMPONENT], r.name);
      assert.ok(tags.Name, r.name);
      assert.equal(tags['cost-center'], 'grid-pilot', r.name);
      checked++;
    }
    assert.ok(checked >= 40, `checked ${checked}`);
    for (const i of ofType(mocks, 'aws:ec2/instance:Instance')) assert.equal((i.inputs.tags as Record<string, string>)['derchain:role'], 'validator');
  });

  it('passes the SSH identity and pinned host key from the inventory', () => {
    const install = ofType(mocks, 'command:remote:Command').filter((c) => c.name.endsWith('-install-runtime'));
    const conns = install.map((c) => plain(c.inputs.connection) as Record<string, unknown>);
    assert.deepEqual(conns.map((c) => c.host), GATEWAYS.map((g) => g.sshHost));
    assert.deepEqual(conns.map((c) => c.user), ['derchain', 'ops']);
    assert.deepEqual(conns.map((c) => c.hostKey), GATEWAYS.map((g) => g.sshHostKey));
    for (const c of conns) assert.equal(c.privateKey, SECRET_SSH_KEY);
  });
});
