// `Consortium`: the consortium's AWS network. A VPC carved into private subnets across
// availability zones (validators live there, no public addresses), one public subnet holding the
// NAT gateway for outbound HTTPS, the node security group built rule by rule from
// securityRules.ts, the customer-managed KMS key that encrypts chain-data volumes and node-key
// parameters, and optionally a site-to-site VPN to the utility's premises (where the gateways are).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { formatCidr, parseCidr, subnetOf } from './ipv4.js';
import { nodeSecurityRules, type NetworkPolicyInput, type SecurityRule } from './securityRules.js';
import { resourceTags, type TagContext } from './tags.js';

/** The VPC block is split into 8 equal parts: parts 0..5 private (one per AZ), part 7 public. */
const SPLIT_BITS = 3;
const PUBLIC_PART = 7;
export const MAX_AVAILABILITY_ZONES = 6;

export interface OnPremVpnArgs {
  customerGatewayIp: string;
  bgpAsn: number;
  onPremCidrs: string[];
}

export interface ConsortiumArgs {
  vpcCidr: string;
  /** how many availability zones get a private subnet */
  availabilityZoneCount: number;
  policy: NetworkPolicyInput;
  onPremVpn?: OnPremVpnArgs;
  tags: TagContext;
}

/** CIDR of the private subnet in the i-th availability zone. */
export function privateSubnetCidr(vpcCidr: string, azIndex: number): string {
  if (azIndex >= MAX_AVAILABILITY_ZONES) throw new Error(`at most ${MAX_AVAILABILITY_ZONES} availability zones`);
  return formatCidr(subnetOf(parseCidr(vpcCidr), SPLIT_BITS, azIndex));
}

export function publicSubnetCidr(vpcCidr: string): string {
  return formatCidr(subnetOf(parseCidr(vpcCidr), SPLIT_BITS, PUBLIC_PART));
}

export class Consortium extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly privateSubnets: aws.ec2.Subnet[];
  readonly privateSubnetCidrs: string[];
  readonly availabilityZones: pulumi.Output<string>[];
  readonly nodeSecurityGroup: aws.ec2.SecurityGroup;
  /** the rules as data, in the order their resources were created */
  readonly rules: SecurityRule[];
  readonly kmsKey: aws.kms.Key;
  readonly vpnConnection?: aws.ec2.VpnConnection;

  constructor(name: string, args: ConsortiumArgs, opts?: pulumi.ComponentResourceOptions) {
    super('derchain:infra:Consortium', name, {}, opts);
    const tag = (resource: string) => resourceTags(args.tags, 'Consortium', `${name}-${resource}`);
    const child = { parent: this };

    this.kmsKey = new aws.kms.Key(`${name}-key`, {
      description: `derchain ${args.tags.stack}: chain-data volumes and node-key parameters`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: tag('key'),
    }, child);
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/derchain-${args.tags.stack}-${name}`, targetKeyId: this.kmsKey.keyId }, child);

    this.vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: tag('vpc'),
    }, child);

    const zones = aws.getAvailabilityZonesOutput({ state: 'available' }, child);
    const count = args.availabilityZoneCount;
    this.availabilityZones = Array.from({ length: count }, (_, i) =>
      zones.names.apply((names) => {
        const zone = names[i];
        if (zone === undefined) {
          throw new Error(`stack config derchain:availabilityZoneCount: the region has only ${names.length} available zones (asked for ${count})`);
        }
        return zone;
      }),
    );

    // Public side: only the NAT gateway lives here.
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: tag('igw') }, child);
    const publicSubnet = new aws.ec2.Subnet(`${name}-public`, {
      vpcId: this.vpc.id,
      cidrBlock: publicSubnetCidr(args.vpcCidr),
      availabilityZone: this.availabilityZones[0]!,
      mapPublicIpOnLaunch: false,
      tags: tag('public'),
    }, child);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public-rt`, {
      vpcId: this.vpc.id,
      routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
      tags: tag('public-rt'),
    }, child);
    new aws.ec2.RouteTableAssociation(`${name}-public-rta`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id }, child);
    const natAddress = new aws.ec2.Eip(`${name}-nat-eip`, { domain: 'vpc', tags: tag('nat-eip') }, { ...child, dependsOn: [igw] });
    const nat = new aws.ec2.NatGateway(`${name}-nat`, {
      allocationId: natAddress.id,
      subnetId: publicSubnet.id,
      tags: tag('nat'),
    }, child);

    // Private side: one subnet per availability zone, default route through the NAT gateway.
    const privateRoutes = new aws.ec2.RouteTable(`${name}-private-rt`, {
      vpcId: this.vpc.id,
      routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }],
      tags: tag('private-rt'),
    }, { ...child, ignoreChanges: args.onPremVpn ? ['propagatingVgws'] : [] });
    this.privateSubnetCidrs = [];
    this.privateSubnets = this.availabilityZones.map((zone, i) => {
      const cidrBlock = privateSubnetCidr(args.vpcCidr, i);
      this.privateSubnetCidrs.push(cidrBlock);
      const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
        vpcId: this.vpc.id,
        cidrBlock,
        availabilityZone: zone,
        mapPublicIpOnLaunch: false,
        tags: tag(`private-${i}`),
      }, child);
      new aws.ec2.RouteTableAssociation(`${name}-private-rta-${i}`, { subnetId: subnet.id, routeTableId: privateRoutes.id }, child);
      return subnet;
    });

    // The node security group: no inline rules; one resource per rule so each is visible and checked.
    this.nodeSecurityGroup = new aws.ec2.SecurityGroup(`${name}-nodes`, {
      vpcId: this.vpc.id,
      description: 'derchain Besu nodes: p2p among nodes and gateways, RPC from gateways and operators only',
      tags: tag('nodes'),
    }, child);
    this.rules = nodeSecurityRules(args.policy);
    for (const rule of this.rules) {
      const peer = rule.peer.kind === 'nodes'
        ? { referencedSecurityGroupId: this.nodeSecurityGroup.id }
        : { cidrIpv4: rule.peer.cidr };
      const common = {
        securityGroupId: this.nodeSecurityGroup.id,
        ipProtocol: rule.protocol,
        fromPort: rule.port,
        toPort: rule.port,
        description: rule.description,
        tags: tag(`${rule.direction}-${rule.name}`),
        ...peer,
      };
      if (rule.direction === 'ingress') new aws.vpc.SecurityGroupIngressRule(`${name}-in-${rule.name}`, common, child);
      else new aws.vpc.SecurityGroupEgressRule(`${name}-out-${rule.name}`, common, child);
    }

    if (args.onPremVpn) {
      const vpn = args.onPremVpn;
      const vgw = new aws.ec2.VpnGateway(`${name}-vgw`, { vpcId: this.vpc.id, tags: tag('vgw') }, child);
      const cgw = new aws.ec2.CustomerGateway(`${name}-cgw`, {
        bgpAsn: String(vpn.bgpAsn),
        ipAddress: vpn.customerGatewayIp,
        type: 'ipsec.1',
        tags: tag('cgw'),
      }, child);
      this.vpnConnection = new aws.ec2.VpnConnection(`${name}-vpn`, {
        vpnGatewayId: vgw.id,
        customerGatewayId: cgw.id,
        type: 'ipsec.1',
        staticRoutesOnly: true,
        tags: tag('vpn'),
      }, child);
      vpn.onPremCidrs.forEach((destinationCidrBlock, i) => {
        new aws.ec2.VpnConnectionRoute(`${name}-vpn-route-${i}`, { vpnConnectionId: this.vpnConnection!.id, destinationCidrBlock }, child);
      });
      new aws.ec2.VpnGatewayRoutePropagation(`${name}-vpn-propagation`, { vpnGatewayId: vgw.id, routeTableId: privateRoutes.id }, child);
    }

    this.registerOutputs({
      vpcId: this.vpc.id,
      privateSubnetIds: this.privateSubnets.map((s) => s.id),
      nodeSecurityGroupId: this.nodeSecurityGroup.id,
      kmsKeyArn: this.kmsKey.arn,
    });
  }
}
