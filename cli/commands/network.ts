// `derchain network generate SPEC --out DIR` and `derchain network validate SPEC`: from one
// consortium description to every file a Besu (Clique or QBFT) network needs, plus the same chain
// for geth 1.13. Prints only non-secret data (enodes, signer addresses); keys go to 0600 files.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { besuImageOf } from '../../network-config/besuRelease.js';
import { generateNetwork, networkSummary, writeNetwork } from '../../network-config/generate.js';
import { DerchainInputError } from '../../errors/inputError.js';
import { parseConsortiumSpec, specWarnings } from '../../network-config/spec.js';
import { processIO, type CommandIO } from '../commandIO.js';
import { addJsonOption } from '../connectionOptions.js';
import { exitOnInputError } from '../inputErrorExit.js';

/** Reads and checks the description; bad input (exit 2) names the file; warnings go to stderr. */
function readSpec(file: string, io: CommandIO) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DerchainInputError(`cannot read the file: ${(e as Error).message}`, { file }, { cause: e });
  }
  const spec = parseConsortiumSpec(text, file);
  for (const warning of specWarnings(spec)) io.stderr.write(`derchain network: warning: ${warning}\n`);
  return spec;
}

export function register(program: Command, io: CommandIO = processIO()): void {
  const network = program.command('network').description('Consortium network files (Besu Clique/QBFT, geth 1.13 for local tests)');

  network
    .command('validate')
    .argument('<spec>', 'consortium description (YAML)')
    .description('Check a consortium description and report the first problem with its file, line and key')
    .action(
      exitOnInputError('network validate', async (specFile: string) => {
      const spec = readSpec(specFile, io);
      io.stdout.write(
        `${specFile}: ok: chain ${spec.chainId}, ${spec.consensus}, ${spec.validators.length} validators, ${spec.members.length} members, ${spec.accounts.length} funded accounts\n`,
      );
      }, io),
    );

  addJsonOption(
    network
      .command('generate')
      .argument('<spec>', 'consortium description (YAML)')
      .requiredOption('--out <dir>', 'output directory (must not already hold node keys)'),
    'the non-secret summary as JSON',
  )
    .description('Write node keys, enodes, Besu genesis/config.toml/static nodes/permissions, docker-compose.yml and the geth genesis')
    .action(
      exitOnInputError('network generate', async (specFile: string, opts: { out: string; json?: boolean }) => {
      const spec = readSpec(specFile, io);
      const net = generateNetwork(spec);
      const out = resolve(opts.out);
      writeNetwork(net, out);
      if (opts.json) {
        io.stdout.write(JSON.stringify({ out, besuImage: besuImageOf(spec), ...networkSummary(net) }, null, 2) + '\n');
        return;
      }
      const lines = [
        `wrote ${out} (chain ${spec.chainId}, ${spec.consensus}, period ${spec.blockPeriodSeconds}s, Besu image ${besuImageOf(spec)})`,
        ...net.nodes.map((n) => `  ${n.role.padEnd(9)} ${n.name.padEnd(16)} ${n.signerAddress ?? '-'.padEnd(42)}  ${n.enode}`),
        `node keys: ${out}/nodes/<name>/keys/ (owner-only); local run: cd ${out} && DERCHAIN_UID=$(id -u) DERCHAIN_GID=$(id -g) docker compose up -d`,
      ];
      io.stdout.write(lines.join('\n') + '\n');
      }, io),
    );
}
