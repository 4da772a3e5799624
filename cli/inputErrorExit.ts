// The exit codes the coordination commands document (0 ok, 1 error, 2 bad input, 3 the chain
// stopped answering), and the one wrapper that turns a DerchainInputError (the message names file,
// line, prosumer and field) into a line on stderr and exit code 2, and a chain that stopped
// answering mid-run (chain/chainWatch.ts) into "the chain at URL stopped answering" and exit code 3;
// any other error goes on to the program's handler (exit 1).
import { chainStopBehind } from '../chain/chainWatch.js';
import { DerchainInputError } from '../errors/inputError.js';
import { processIO, type CommandIO } from './commandIO.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_CHAIN_STOPPED = 3;

export function exitOnInputError<A extends unknown[]>(command: string, run: (...args: A) => Promise<void>, io: CommandIO = processIO()): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (err) {
      if (err instanceof DerchainInputError) {
        io.stderr.write(`derchain ${command}: ${err.message}\n`);
        io.setExitCode(EXIT_BAD_INPUT);
        return;
      }
      const stopped = chainStopBehind(err);
      if (stopped) {
        io.stderr.write(`derchain ${command}: ${stopped.message}\n`);
        io.setExitCode(EXIT_CHAIN_STOPPED);
        return;
      }
      throw err;
    }
  };
}
