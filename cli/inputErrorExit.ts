// The exit codes the coordination commands document (0 ok, 1 error, 2 bad input), and the one
// wrapper that turns a DerchainInputError (the message names file, line, prosumer and field) into
// a line on stderr and exit code 2; any other error goes on to the program's handler (exit 1).
import { DerchainInputError } from '../errors/inputError.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_BAD_INPUT = 2;

export function exitOnInputError<A extends unknown[]>(command: string, run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (err) {
      if (!(err instanceof DerchainInputError)) throw err;
      process.stderr.write(`derchain ${command}: ${err.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
    }
  };
}
