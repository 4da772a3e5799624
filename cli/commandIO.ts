// What a command reads and writes besides its flags, passed in (after gh's NewCmd(f, runF)): its
// output streams, its environment and where its exit code goes. `derchain` passes the process's
// own (processIO); tests pass a capture (captureIO) and run the command in-process, without a
// child process per call.
import type { LogStream } from './logOutput.js';

export interface CommandIO {
  stdout: LogStream;
  stderr: LogStream;
  env: NodeJS.ProcessEnv;
  /** records the command's exit code (the process's exitCode for derchain itself) */
  setExitCode(code: number): void;
}

/** The process's own streams, environment and exit code. */
export function processIO(): CommandIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

export interface CapturedIO extends CommandIO {
  out: string;
  err: string;
  exitCode: number;
}

/** Streams that collect text, a given environment and a recorded exit code (tests). */
export function captureIO(env: NodeJS.ProcessEnv = {}, o: { tty?: boolean } = {}): CapturedIO {
  const io: CapturedIO = {
    out: '',
    err: '',
    exitCode: 0,
    env,
    stdout: {
      isTTY: o.tty === true,
      write: (t: string) => {
        io.out += t;
        return true;
      },
    },
    stderr: {
      isTTY: o.tty === true,
      write: (t: string) => {
        io.err += t;
        return true;
      },
    },
    setExitCode: (code) => {
      io.exitCode = code;
    },
  };
  return io;
}
