// The `derchain` command line: builds the commander program and loads every command module
// in cli/commands/ (each exports `register(program)`), so a new command is one new file.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EXIT_CHAIN_STOPPED } from './inputErrorExit.js';

export interface CommandModule {
  register(program: Command): void;
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('derchain')
    .description(
      'Trustable distributed coordination of distributed energy resources: ADMM with a coordinator smart contract on a permissioned Ethereum chain.',
    )
    .version('0.1.0')
    .showHelpAfterError();
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<CommandModule>;
    if (typeof mod.register !== 'function') throw new Error(`cli/commands/${file} exports no register(program)`);
    mod.register(program);
  }
  return program;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
const viaLauncher = process.argv[1]?.endsWith('derchain.mjs') ?? false;
if (isMain || viaLauncher) {
  const program = await buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.stderr.write(`derchain: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
  // A run whose chain stopped answering has stopped its agents already (exit 3, cli/inputErrorExit.ts);
  // end the process now, so that no timer the run left behind keeps a dead pilot alive.
  if (process.exitCode === EXIT_CHAIN_STOPPED) process.exit(EXIT_CHAIN_STOPPED);
}
