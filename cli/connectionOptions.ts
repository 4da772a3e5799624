// The connection and output flags the chain commands share, defined once: `--rpc` (a loopback
// node, or several for the pilot), `--key-file` (a 0600 file with the signing key, never the key
// itself on the command line) and `--json` (one JSON object on stdout).
import type { Command } from 'commander';

/** `--rpc <url>`; `many`: `--rpc <url...>` (the pilot spreads its agents over them). */
export function addRpcOption(cmd: Command, o: { required?: boolean; many?: boolean; description?: string; default?: string } = {}): Command {
  const flags = o.many ? '--rpc <url...>' : '--rpc <url>';
  const description = o.description ?? 'JSON-RPC endpoint of a node (127.0.0.1 only; use a tunnel to reach a remote node)';
  if (o.required) return cmd.requiredOption(flags, description);
  return o.default !== undefined ? cmd.option(flags, description, o.default) : cmd.option(flags, description);
}

/** `--key-file <file>`: whose key, and the environment variable read when the flag is absent. */
export function addKeyFileOption(cmd: Command, o: { whose: string; env?: string; required?: boolean; flag?: string }): Command {
  const flags = `${o.flag ?? '--key-file'} <file>`;
  const description = `file with the ${o.whose} private key (chmod 600)${o.env ? `; default: $${o.env}` : ''}`;
  return o.required ? cmd.requiredOption(flags, description) : cmd.option(flags, description);
}

/** `--json`: one JSON object on stdout (logs and progress stay on stderr). */
export function addJsonOption(cmd: Command, what = 'one JSON object'): Command {
  return cmd.option('--json', `print ${what} on stdout`);
}
