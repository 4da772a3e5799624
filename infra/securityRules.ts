// The consortium's network policy as plain data: every ingress and egress rule of the node
// security group, with the port, protocol, peer and purpose. The Consortium component turns each
// entry into one aws.vpc.SecurityGroup{Ingress,Egress}Rule; tests enumerate the same list.
//
// Policy:
//   p2p 30303 tcp+udp   in/out   only the node security group itself and each gateway /32
//   JSON-RPC 8545 tcp   in       only gateway /32s and the operator CIDRs
//   metrics 9545 tcp    in       only the Prometheus CIDR, and only when configured
//   HTTPS 443 tcp       out      anywhere: image pull (Docker Hub), SSM, KMS, EC2 messages, OS packages
// Nothing is open to the world on ingress. DNS (VPC resolver) and NTP (169.254.169.123) are not
// subject to security groups.

export const P2P_PORT = 30303;
export const RPC_PORT = 8545;
export const METRICS_PORT = 9545;
export const HTTPS_PORT = 443;

export type RulePurpose = 'p2p' | 'rpc' | 'metrics' | 'https';

/** The other side of a rule: the node security group itself, or an IPv4 block. */
export type RulePeer = { kind: 'nodes' } | { kind: 'cidr'; cidr: string };

export interface SecurityRule {
  /** stable resource name suffix, unique within its direction */
  name: string;
  direction: 'ingress' | 'egress';
  purpose: RulePurpose;
  protocol: 'tcp' | 'udp';
  port: number;
  peer: RulePeer;
  description: string;
}

export interface NetworkPolicyInput {
  /** each gateway's address as the VPC sees it, /32 */
  gatewayAddresses: readonly string[];
  operatorCidrs: readonly string[];
  prometheusCidr?: string;
}

function slug(cidr: string): string {
  return cidr.replace(/[./]/g, '-');
}

/** Every rule of the node security group, in a stable order. */
export function nodeSecurityRules(input: NetworkPolicyInput): SecurityRule[] {
  const rules: SecurityRule[] = [];
  const gatewayCidrs = input.gatewayAddresses.map((a) => `${a}/32`);
  for (const protocol of ['tcp', 'udp'] as const) {
    for (const direction of ['ingress', 'egress'] as const) {
      rules.push({
        name: `p2p-${protocol}-nodes`,
        direction,
        purpose: 'p2p',
        protocol,
        port: P2P_PORT,
        peer: { kind: 'nodes' },
        description: `Besu p2p ${protocol} among consortium nodes`,
      });
      for (const cidr of gatewayCidrs) {
        rules.push({
          name: `p2p-${protocol}-${slug(cidr)}`,
          direction,
          purpose: 'p2p',
          protocol,
          port: P2P_PORT,
          peer: { kind: 'cidr', cidr },
          description: `Besu p2p ${protocol} with gateway ${cidr}`,
        });
      }
    }
  }
  const rpcSources = [...new Set([...gatewayCidrs, ...input.operatorCidrs])];
  for (const cidr of rpcSources) {
    rules.push({
      name: `rpc-${slug(cidr)}`,
      direction: 'ingress',
      purpose: 'rpc',
      protocol: 'tcp',
      port: RPC_PORT,
      peer: { kind: 'cidr', cidr },
      description: `Besu JSON-RPC from ${gatewayCidrs.includes(cidr) ? 'gateway' : 'operator'} ${cidr}`,
    });
  }
  if (input.prometheusCidr !== undefined) {
    rules.push({
      name: `metrics-${slug(input.prometheusCidr)}`,
      direction: 'ingress',
      purpose: 'metrics',
      protocol: 'tcp',
      port: METRICS_PORT,
      peer: { kind: 'cidr', cidr: input.prometheusCidr },
      description: `Besu Prometheus metrics scraped from ${input.prometheusCidr}`,
    });
  }
  rules.push({
    name: 'https-out',
    direction: 'egress',
    purpose: 'https',
    protocol: 'tcp',
    port: HTTPS_PORT,
    peer: { kind: 'cidr', cidr: '0.0.0.0/0' },
    description: 'HTTPS out: container image, SSM, KMS, OS packages',
  });
  return rules;
}
