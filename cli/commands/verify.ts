// `derchain verify --rpc URL --round R [--contract ADDR]`: replays every iteration of a round from
// the chain's events with admm/coordinatorStep.ts and checks the contract's sums, rho and
// convergence flag per iteration, and its stored lambda/pHat (read at each completing block where
// the node still has the state) bit for bit. Prints each mismatch with its pair and slot; exit 1
// on any mismatch.
import type { Command } from 'commander';
import { createPublicClient, getAddress, http, type Address } from 'viem';
import { assertLoopbackRpc, chainFor } from '../../contracts/rpcEndpoint.js';
import { verifyRound } from '../../node-agent/roundReplay.js';

interface VerifyFlags {
  rpc: string;
  round: string;
  contract?: string;
  json?: boolean;
}

async function findContract(url: string): Promise<Address> {
  throw new Error(`--contract is required (no deployment registry at ${url} yet)`);
}

async function verify(flags: VerifyFlags): Promise<void> {
  assertLoopbackRpc(flags.rpc);
  const probe = createPublicClient({ transport: http(flags.rpc) });
  const id = await probe.getChainId();
  const chain = chainFor(id, flags.rpc);
  const publicClient = createPublicClient({ chain, transport: http(flags.rpc) });
  const address = flags.contract ? getAddress(flags.contract) : await findContract(flags.rpc);
  const report = await verifyRound(publicClient, address, BigInt(flags.round));
  const ok = report.mismatches.length === 0;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ok, round: String(report.round), iterations: report.iterations, converged: report.converged, storageChecked: report.storageChecked, mismatches: report.mismatches })}\n`);
  } else {
    process.stdout.write(
      `derchain verify: round ${report.round} at ${address}: ${report.iterations} iterations replayed, storage compared at ${report.storageChecked}, ${ok ? 'all equal' : `${report.mismatches.length} mismatches`}\n`,
    );
    for (const m of report.mismatches.slice(0, 50)) {
      const where = m.i !== undefined ? (m.j !== undefined ? ` pair (${m.i},${m.j}) slot ${m.slot}` : ` participant ${m.i}`) : '';
      process.stdout.write(`  iteration ${m.iteration}: ${m.what}${where}: replay ${m.expected}, chain ${m.actual}\n`);
    }
  }
  if (!ok) process.exitCode = 1;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description("Replay a round from the chain's events and check every lambda and pHat against admm/coordinatorStep.ts")
    .requiredOption('--rpc <url>', 'loopback JSON-RPC endpoint')
    .requiredOption('--round <r>', 'round id')
    .option('--contract <address>', 'coordinator address')
    .option('--json', 'print one JSON object')
    .action(async (flags: VerifyFlags) => verify(flags));
}
