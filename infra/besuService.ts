// The systemd unit that runs the pinned Besu container on a host (cloud instance or on-premises
// gateway), and the SSM key-fetch helper cloud instances run before each start. The container
// uses the host network (Besu binds to the host's private address, as config.toml says) and the
// node directory BESU_NODE_HOME at the same path inside and out; the node key sits in
// BESU_NODE_HOME/keys/key (mode 0600, owned by the container user).
import { BESU_NODE_HOME } from '../network-config/besuNodeFiles.js';

export { BESU_NODE_HOME };

/** The Besu image runs as this uid/gid; files it must read or write belong to it. */
export const BESU_UID = 1000;
export const BESU_SERVICE = 'derchain-besu.service';
export const BESU_CONTAINER = 'derchain-besu';
export const KEY_FETCH_HELPER = '/usr/local/sbin/derchain-fetch-nodekey';
export const NODE_KEY_FILE = `${BESU_NODE_HOME}/keys/key`;

export interface BesuServiceOptions {
  nodeName: string;
  image: string;
  /** Prometheus metrics on host:port, only when the stack enables scraping */
  metrics?: { host: string; port: number };
  /** a command run before each start (cloud: fetch the node key from SSM) */
  preStart?: string;
}

export function besuServiceUnit(o: BesuServiceOptions): string {
  const args = [`--config-file=${BESU_NODE_HOME}/config.toml`];
  if (o.metrics) args.push('--metrics-enabled=true', `--metrics-host=${o.metrics.host}`, `--metrics-port=${o.metrics.port}`);
  return [
    '[Unit]',
    `Description=derchain Besu node ${o.nodeName} (${o.image})`,
    'After=docker.service network-online.target',
    'Wants=network-online.target',
    'Requires=docker.service',
    '',
    '[Service]',
    'Restart=always',
    'RestartSec=10',
    'TimeoutStopSec=90',
    `ExecStartPre=-/usr/bin/docker rm -f ${BESU_CONTAINER}`,
    ...(o.preStart ? [`ExecStartPre=${o.preStart}`] : []),
    `ExecStart=/usr/bin/docker run --rm --name ${BESU_CONTAINER} --network host --user ${BESU_UID}:${BESU_UID} ` +
      `-v ${BESU_NODE_HOME}:${BESU_NODE_HOME} ${o.image} ${args.join(' ')}`,
    `ExecStop=/usr/bin/docker stop -t 60 ${BESU_CONTAINER}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The helper that reads the node key from its SSM SecureString parameter with the instance role
 * and writes it, without a trailing newline, to the tmpfs-backed key file (0600). The key never
 * touches user-data, the root volume or the logs.
 */
export function ssmKeyFetchScript(parameterName: string, region: string): string {
  if (!/^[A-Za-z0-9_.\-/]+$/.test(parameterName)) throw new Error(`unexpected parameter name ${parameterName}`);
  if (!/^[a-z0-9-]+$/.test(region)) throw new Error(`unexpected region ${region}`);
  return [
    '#!/bin/bash',
    '# Fetches this node\'s Besu key from SSM Parameter Store (SecureString) using the instance role.',
    'set -euo pipefail',
    'umask 077',
    `dir=${BESU_NODE_HOME}/keys`,
    'mountpoint -q "$dir" || mount "$dir"',
    'tmp=$(mktemp "$dir/.key.XXXXXX")',
    `value=$(aws ssm get-parameter --region ${region} --name '${parameterName}' --with-decryption --query Parameter.Value --output text)`,
    'printf \'0x%s\' "${value#0x}" > "$tmp"',
    'unset value',
    `chown ${BESU_UID}:${BESU_UID} "$tmp"`,
    'chmod 0600 "$tmp"',
    `mv -f "$tmp" ${NODE_KEY_FILE}`,
    '',
  ].join('\n');
}
