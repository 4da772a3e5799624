// Test support: runs one `derchain <group> ...` command in this process (commander with
// exitOverride, stdout/stderr captured, environment overridden for the call), so CLI tests need no
// child process per call. Returns what a shell would see: stdout, stderr and the exit code.
import { Command, CommanderError } from 'commander';

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

type Register = (program: Command) => void;

export async function runCli(register: Register, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const program = new Command('derchain').exitOverride();
  let stdout = '';
  let stderr = '';
  program.configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  register(program);
  const saved = { out: process.stdout.write, err: process.stderr.write, env: { ...process.env }, exitCode: process.exitCode };
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.exitCode = undefined;
  let exitCode = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
    exitCode = Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) exitCode = err.exitCode;
    else {
      stderr += `derchain: ${err instanceof Error ? err.message : String(err)}\n`;
      exitCode = 1;
    }
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.env = saved.env;
    process.exitCode = saved.exitCode;
  }
  return { stdout, stderr, exitCode };
}
