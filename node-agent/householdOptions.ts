// The flags every household agent process shares, defined once: its encrypted key, the keystore's
// password file, its own data file, the poll interval and its name in the logs
// (node-agent/main.ts beside a node, node-agent/meterMain.ts over an IoT transport).
import type { Command } from 'commander';

export interface HouseholdFlags {
  keystore: string;
  passwordFile: string;
  data: string;
  pollMs: string;
  name?: string;
}

/** Adds --keystore, --password-file, --data, --poll-ms and --name to `cmd`. */
export function withHouseholdOptions(cmd: Command, defaults: { pollMs: string }): Command {
  return cmd
    .requiredOption('--keystore <file>', 'encrypted V3 keystore of this household')
    .requiredOption('--password-file <file>', 'file holding the keystore password')
    .requiredOption('--data <file>', "this household's own data file (node-agent/agentData.ts)")
    .option('--poll-ms <ms>', 'poll interval', defaults.pollMs)
    .option('--name <name>', 'name in the logs');
}
