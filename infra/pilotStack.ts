// The pilot stack program: reads and validates the stack config (before any resource), plans the
// nodes, generates the network (keys derived from the secret key seed, so every `pulumi up` sees
// the same keys), and composes the components: Consortium network, one BesuNode per validator, one
// GatewayHost per on-premises gateway, and the contract deployment once the validators answer.
// Returns the stack outputs; none of them carries secret material.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { besuImageOf } from '../network-config/besuRelease.js';
import { generateNetwork, type GeneratedNetwork, type GeneratedNode } from '../network-config/generate.js';
import { addressOf } from '../network-config/keys.js';
import { BesuNode } from './besuNode.js';
import { Consortium } from './consortium.js';
import { checkedStackConfig, consortiumSpecOf, planNodes, type PlannedGateway, type PlannedValidator } from './consortiumPlan.js';
import { ContractDeployment } from './contractDeployment.js';
import { GatewayHost } from './gatewayHost.js';
import { METRICS_PORT, RPC_PORT } from './securityRules.js';
import { secretConfig } from './stackConfig.js';

export interface NodeOutput {
  name: string;
  role: 'validator' | 'member';
  host: string;
  enode: pulumi.Output<string>;
  instanceId?: pulumi.Output<string>;
  keyParameterName?: string;
}

export interface PilotStackOutputs {
  region: string;
  chainId: number;
  consensus: string;
  besuImage: string;
  vpcId: pulumi.Output<string>;
  nodeSecurityGroupId: pulumi.Output<string>;
  validators: NodeOutput[];
  gateways: NodeOutput[];
  /** the first validator's JSON-RPC (private address; reach it over VPN or an SSM tunnel) */
  rpcEndpoint: string;
  /** how an operator opens the RPC tunnel to the first validator */
  operatorTunnelCommand: pulumi.Output<string>;
  contracts?: pulumi.Output<Record<string, string>>;
  coordinatorAddress?: pulumi.Output<string>;
}

/** AMI architecture from the instance family: Graviton families (t4g, m7g, c7gn, ...) are arm64. */
export function architectureOf(instanceType: string): 'arm64' | 'x86_64' {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? 'arm64' : 'x86_64';
}

export function keyParameterNameOf(stack: string, node: string): string {
  return `/derchain/${stack}/nodes/${node}/nodekey`;
}

function nodeOf(network: pulumi.Output<GeneratedNetwork>, name: string): pulumi.Output<GeneratedNode> {
  return network.apply((net) => {
    const node = net.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`generated network has no node ${name}`);
    return node;
  });
}

export interface PilotStack {
  outputs: PilotStackOutputs;
  consortium: Consortium;
  validators: BesuNode[];
  gateways: GatewayHost[];
  deployment?: ContractDeployment;
}

/** The stack program's outputs (what infra/index.ts hands to Pulumi). */
export function pilotStack(): PilotStackOutputs {
  return buildPilotStack().outputs;
}

export function buildPilotStack(): PilotStack {
  const stack = pulumi.getStack();
  // Validate the stack config and the consortium description now, before the first resource.
  const { settings, spec } = checkedStackConfig(pulumi.runtime.allConfig(), stack);
  const image = besuImageOf(spec);
  const planned = planNodes(settings);
  const tags = { stack, extra: settings.tags };

  const keySeed = secretConfig('keySeed');
  const deployerKey = settings.deploy.enabled ? secretConfig('deployerKey') : pulumi.secret('');
  const network = pulumi.all([keySeed, deployerKey]).apply(([seed, key]) => {
    const deployer = key === '' ? undefined : addressOf(key.slice(2).toLowerCase());
    return generateNetwork(consortiumSpecOf(settings, stack, deployer), { seed });
  });

  const consortium = new Consortium('consortium', {
    vpcCidr: settings.vpcCidr,
    availabilityZoneCount: settings.availabilityZoneCount,
    policy: {
      gatewayAddresses: settings.gateways.map((g) => g.p2pAddress),
      operatorCidrs: settings.operatorCidrs,
      ...(settings.prometheusCidr !== undefined ? { prometheusCidr: settings.prometheusCidr } : {}),
    },
    ...(settings.onPremVpn !== undefined ? { onPremVpn: settings.onPremVpn } : {}),
    tags,
  });

  const amiId: pulumi.Input<string> =
    settings.amiId ??
    aws.ec2.getAmiOutput({
      owners: ['amazon'],
      mostRecent: true,
      filters: [
        { name: 'name', values: ['al2023-ami-2023.*'] },
        { name: 'architecture', values: [architectureOf(settings.validators.instanceType)] },
        { name: 'virtualization-type', values: ['hvm'] },
      ],
    }).id;

  const validators = planned
    .filter((n): n is PlannedValidator => n.kind === 'validator')
    .map((v) => {
      const generated = nodeOf(network, v.name);
      return new BesuNode(v.name, {
        role: 'validator',
        subnetId: consortium.privateSubnets[v.azIndex]!.id,
        availabilityZone: consortium.availabilityZones[v.azIndex]!,
        privateIp: v.host,
        securityGroupIds: [consortium.nodeSecurityGroup.id],
        instanceType: settings.validators.instanceType,
        dataVolumeGiB: settings.validators.dataVolumeGiB,
        amiId,
        kmsKeyArn: consortium.kmsKey.arn,
        region: settings.region,
        image,
        files: pulumi.unsecret(generated.files),
        nodeKeyHex: generated.nodeKeyHex,
        enode: pulumi.unsecret(generated.enode),
        keyParameterName: keyParameterNameOf(stack, v.name),
        ...(settings.prometheusCidr !== undefined ? { metricsPort: METRICS_PORT } : {}),
        tags,
      });
    });

  const gateways = planned
    .filter((n): n is PlannedGateway => n.kind === 'gateway')
    .map((g) => {
      const generated = nodeOf(network, g.name);
      return new GatewayHost(g.name, {
        connection: {
          host: g.gateway.sshHost,
          user: g.gateway.sshUser,
          port: g.gateway.sshPort,
          hostKey: g.gateway.sshHostKey,
          privateKey: secretConfig(g.gateway.sshKeyConfig),
        },
        image,
        host: g.host,
        rpcPort: RPC_PORT,
        files: pulumi.unsecret(generated.files),
        nodeKeyHex: generated.nodeKeyHex,
        enode: pulumi.unsecret(generated.enode),
        relayListenAddress: g.gateway.relayListenAddress,
        relayPort: g.gateway.relayPort,
      });
    });

  const first = validators[0]!;
  const firstHost = planned[0]!.host;
  const outputs: PilotStackOutputs = {
    region: settings.region,
    chainId: settings.chainId,
    consensus: settings.consensus,
    besuImage: image,
    vpcId: consortium.vpc.id,
    nodeSecurityGroupId: consortium.nodeSecurityGroup.id,
    validators: validators.map((node, i) => ({
      name: planned[i]!.name,
      role: 'validator',
      host: planned[i]!.host,
      enode: node.enode,
      instanceId: node.instanceId,
      keyParameterName: keyParameterNameOf(stack, planned[i]!.name),
    })),
    gateways: gateways.map((node, i) => {
      const g = planned.filter((n) => n.kind === 'gateway')[i]!;
      return { name: g.name, role: 'member', host: g.host, enode: node.enode };
    }),
    rpcEndpoint: `http://${firstHost}:${RPC_PORT}`,
    operatorTunnelCommand: first.instanceId.apply(
      (id) =>
        `aws ssm start-session --region ${settings.region} --target ${id} --document-name AWS-StartPortForwardingSessionToRemoteHost ` +
        `--parameters host=${firstHost},portNumber=${RPC_PORT},localPortNumber=${settings.deploy.localPort}`,
    ),
  };

  let deployment: ContractDeployment | undefined;
  if (settings.deploy.enabled) {
    deployment = new ContractDeployment('contracts', {
      via: settings.deploy.via,
      region: settings.region,
      localPort: settings.deploy.localPort,
      readinessTimeoutSeconds: settings.deploy.readinessTimeoutSeconds,
      instanceId: first.instanceId,
      privateIp: firstHost,
      deployerKey,
      nodes: validators,
    });
    outputs.contracts = deployment.contracts;
    outputs.coordinatorAddress = deployment.coordinatorAddress;
  }
  return { outputs, consortium, validators, gateways, ...(deployment !== undefined ? { deployment } : {}) };
}
