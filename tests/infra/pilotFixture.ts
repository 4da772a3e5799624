// A complete pilot stack config for the infra tests (4 Clique validators over 3 zones, two
// gateways, Prometheus scraping), and the secrets it holds, so tests can search for them.

export const SECRET_SEED = '5eed'.repeat(16);
export const SECRET_DEPLOYER_KEY = '0x' + '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
export const SECRET_SSH_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAtestonlytestonly\n-----END OPENSSH PRIVATE KEY-----\n';

export const GATEWAYS = [
  { name: 'gw-feeder-1', sshHost: 'gw-feeder-1.pilot.utility.example', p2pAddress: '192.168.10.21', sshHostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFeeder1HostKeyForTestsOnly' },
  { name: 'gw-feeder-2', sshHost: '192.168.10.22', sshUser: 'ops', p2pAddress: '192.168.10.22', sshHostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFeeder2HostKeyForTestsOnly', relayPort: 9000 },
];

export const OPERATOR_CIDRS = ['198.51.100.0/28', '192.168.200.0/24'];
export const PROMETHEUS_CIDR = '10.42.240.0/28';

export function pilotConfig(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    'aws:region': 'eu-central-1',
    'derchain:consensus': 'clique',
    'derchain:blockPeriodSeconds': '2',
    'derchain:chainId': '46210',
    'derchain:validators': JSON.stringify({ count: 4, instanceType: 't3.large', dataVolumeGiB: 200 }),
    'derchain:availabilityZoneCount': '3',
    'derchain:operatorCidrs': JSON.stringify(OPERATOR_CIDRS),
    'derchain:prometheusCidr': PROMETHEUS_CIDR,
    'derchain:gateways': JSON.stringify(GATEWAYS),
    'derchain:tags': JSON.stringify({ 'cost-center': 'grid-pilot', owner: 'der-team' }),
    'derchain:keySeed': SECRET_SEED,
    'derchain:deployerKey': SECRET_DEPLOYER_KEY,
    'derchain:gatewaySshKey': SECRET_SSH_KEY,
    ...overrides,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
  return out;
}

export const SECRET_CONFIG_KEYS = ['derchain:keySeed', 'derchain:deployerKey', 'derchain:gatewaySshKey'];
