// Shell scripts run over SSH on an on-premises IoT gateway (LoRa/NB-IoT host). All are idempotent:
//   install   - the container runtime (Docker) and socat, from the distribution's packages
//   configure - node files, the node key (read from stdin, never part of the script), the Besu
//               unit and the gateway relay unit; restarts both
//   remove    - stops and removes both units and the node directory (pulumi destroy)
// The relay is a placeholder until the node agent's gateway transport exists: socat forwarding
// the meters' network server (TCP on relayListenAddress:relayPort) to the local Besu JSON-RPC.
import { BESU_CONTAINER, BESU_NODE_HOME, BESU_SERVICE, BESU_UID, NODE_KEY_FILE, besuServiceUnit } from './besuService.js';
import { writeFilesScript } from './hostFiles.js';

export const RELAY_SERVICE = 'derchain-gateway-relay.service';

/** Runs script as root through passwordless sudo; the caller's stdin reaches the script. */
export function asRoot(script: string): string {
  if (script.includes('DERCHAIN_ROOT_SCRIPT')) throw new Error('script must not contain the heredoc marker');
  return `sudo -n /bin/bash -c "$(cat <<'DERCHAIN_ROOT_SCRIPT'\n${script}\nDERCHAIN_ROOT_SCRIPT\n)"`;
}

export function installRuntimeScript(): string {
  return [
    'set -euo pipefail',
    'need=""',
    'command -v docker >/dev/null 2>&1 || need="$need docker"',
    'command -v socat >/dev/null 2>&1 || need="$need socat"',
    'if [ -n "$need" ]; then',
    '  if command -v apt-get >/dev/null 2>&1; then',
    '    pkgs=$(echo "$need" | sed "s/docker/docker.io/")',
    '    DEBIAN_FRONTEND=noninteractive apt-get update -q',
    '    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs',
    '  elif command -v dnf >/dev/null 2>&1; then dnf install -y $need',
    '  else echo "derchain: unsupported distribution (need apt-get or dnf)" >&2; exit 1',
    '  fi',
    'fi',
    'systemctl enable --now docker',
    'docker version --format "docker {{.Server.Version}}"',
  ].join('\n');
}

export interface GatewayConfigureInput {
  nodeName: string;
  image: string;
  /** the gateway's VPC-visible address Besu binds p2p and JSON-RPC to */
  host: string;
  rpcPort: number;
  files: Readonly<Record<string, string>>;
  relayListenAddress: string;
  relayPort: number;
}

export function relayServiceUnit(c: GatewayConfigureInput): string {
  return [
    '[Unit]',
    `Description=derchain gateway relay: meter network server (${c.relayListenAddress}:${c.relayPort}) -> Besu JSON-RPC ${c.host}:${c.rpcPort}`,
    `After=network-online.target ${BESU_SERVICE}`,
    'Wants=network-online.target',
    '',
    '[Service]',
    `ExecStart=/usr/bin/socat TCP-LISTEN:${c.relayPort},bind=${c.relayListenAddress},fork,reuseaddr TCP:${c.host}:${c.rpcPort}`,
    'Restart=always',
    'RestartSec=5',
    'DynamicUser=yes',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** Expects the node key (64 hex, optional 0x) on stdin. */
export function configureNodeScript(c: GatewayConfigureInput): string {
  return [
    'set -euo pipefail',
    `install -d -m 0755 ${BESU_NODE_HOME}`,
    `install -d -m 0700 -o ${BESU_UID} -g ${BESU_UID} ${BESU_NODE_HOME}/data ${BESU_NODE_HOME}/keys`,
    writeFilesScript(BESU_NODE_HOME, c.files),
    '# node key: from stdin to a 0600 file owned by the Besu user; never echoed',
    'umask 077',
    'key=$(head -c 256)',
    'key=${key#0x}',
    '[[ "$key" =~ ^[0-9a-f]{64}$ ]] || { echo "derchain: no node key on stdin" >&2; exit 1; }',
    `tmp=$(mktemp ${BESU_NODE_HOME}/keys/.key.XXXXXX)`,
    'printf \'0x%s\' "$key" > "$tmp"',
    'unset key',
    `chown ${BESU_UID}:${BESU_UID} "$tmp" && chmod 0600 "$tmp" && mv -f "$tmp" ${NODE_KEY_FILE}`,
    'umask 022',
    writeFilesScript('/etc/systemd/system', {
      [BESU_SERVICE]: besuServiceUnit({ nodeName: c.nodeName, image: c.image }),
      [RELAY_SERVICE]: relayServiceUnit(c),
    }),
    `docker pull -q ${c.image}`,
    'systemctl daemon-reload',
    `systemctl enable ${BESU_SERVICE} ${RELAY_SERVICE}`,
    `systemctl restart ${BESU_SERVICE} ${RELAY_SERVICE}`,
    `systemctl is-active ${BESU_SERVICE} ${RELAY_SERVICE}`,
  ].join('\n');
}

export function removeNodeScript(): string {
  return [
    'set -uo pipefail',
    `systemctl disable --now ${RELAY_SERVICE} ${BESU_SERVICE} 2>/dev/null || true`,
    `docker rm -f ${BESU_CONTAINER} 2>/dev/null || true`,
    `rm -f /etc/systemd/system/${RELAY_SERVICE} /etc/systemd/system/${BESU_SERVICE}`,
    'systemctl daemon-reload',
    `[ -f ${NODE_KEY_FILE} ] && shred -u ${NODE_KEY_FILE} || true`,
    `rm -rf ${BESU_NODE_HOME}`,
  ].join('\n');
}
