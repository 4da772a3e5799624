// Test support: runs one derchain command in this process with captured streams, a given
// environment and its exit code recorded (cli/commandIO.ts): commander's usage errors become
// their exit code, any other error the program's "derchain: ..." line and exit 1, as in cli/main.ts.
import { Command, CommanderError } from 'commander';
import { captureIO, type CommandIO } from '../../cli/commandIO.js';

export type Register = (program: Command, io: CommandIO) => void;

export interface CommandRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runCommand(register: Register, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
  const io = captureIO(env);
  const program = new Command('derchain').exitOverride();
  program.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  register(program, io);
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) io.setExitCode(err.exitCode);
    else {
      io.stderr.write(`derchain: ${err instanceof Error ? err.message : String(err)}\n`);
      io.setExitCode(1);
    }
  }
  return { stdout: io.out, stderr: io.err, exitCode: io.exitCode };
}
