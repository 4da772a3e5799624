// `derchain verify --rpc URL --round R [--contract ADDR]`: replays every iteration of a round from
// the chain's events with admm/coordinatorStep.ts and checks the contract's sums, rho and
// convergence flag per iteration, and its stored lambda/pHat (read at each completing block where
// the node still has the state) bit for bit. Prints each mismatch with its pair and slot; exit 1
// on any mismatch. Without --contract it finds the coordinator by its RoundOpened event (exit 2
// when none or several contracts opened that round). The code at the address must be the code
// this checkout builds from contracts/DerCoordinator.sol: otherwise the result is not ok (exit 1),
// since the events of another contract prove nothing about this one's rules.
import type { Command } from 'commander';
import { getAddress, type Address, type Chain, type PublicClient, type Transport } from 'viem';
import { codeMatchesSource, findPoolRoundOpenings, findRoundOpenings, marketAt, poolCodeMatchesSource } from '../../contracts/findCoordinator.js';
import { verifyPoolRound } from '../../node-agent/poolRoundReplay.js';
import type { LogWindowOptions } from '../../contracts/logWindows.js';
import { assertLoopbackRpc, connectNode } from '../../chain/rpc.js';
import { DerchainInputError } from '../../errors/inputError.js';
import { processIO, type CommandIO } from '../commandIO.js';
import { addJsonOption, addRpcOption } from '../connectionOptions.js';
import { exitOnInputError } from '../inputErrorExit.js';
import { findOscillations } from '../../node-agent/oscillation.js';
import { verifyRound } from '../../node-agent/roundReplay.js';
import { CoordinatorClient } from '../../contracts/coordinatorClient.js';

interface VerifyFlags {
  rpc: string;
  round: string;
  contract?: string;
  market?: string;
  json?: boolean;
}

/** On long chains the event scan takes many windows: a line on stderr every 20 of them. */
function progressLine(io: CommandIO): (readTo: bigint, toBlock: bigint) => void {
  let windows = 0;
  return (readTo, toBlock) => {
    if (++windows % 20 === 0) io.stderr.write(`derchain verify: events read to block ${readTo} of ${toBlock}\n`);
  };
}

async function findContract(publicClient: PublicClient<Transport, Chain>, url: string, round: bigint, opts: LogWindowOptions, market?: string): Promise<{ address: Address; market: 'pool' | 'bilateral' }> {
  const pool = market === 'bilateral' ? [] : (await findPoolRoundOpenings(publicClient, round, opts)).map((o) => ({ ...o, market: 'pool' as const }));
  const bilateral = market === 'pool' ? [] : (await findRoundOpenings(publicClient, round, opts)).map((o) => ({ ...o, market: 'bilateral' as const }));
  const openings = [...pool, ...bilateral];
  if (openings.length === 1) return { address: openings[0]!.address, market: openings[0]!.market };
  if (openings.length === 0) throw new DerchainInputError(`no contract on the chain at ${url} opened round ${round}`, { field: 'round' });
  const list = openings.map((o) => `${o.address} (block ${o.blockNumber})`).join(', ');
  throw new DerchainInputError(`${openings.length} contracts opened round ${round}: ${list}; choose one with --contract`, { field: 'contract' });
}

async function verify(flags: VerifyFlags, io: CommandIO): Promise<void> {
  assertLoopbackRpc(flags.rpc);
  if (!/^\d+$/.test(flags.round) || BigInt(flags.round) === 0n) {
    throw new DerchainInputError(`--round must be a round id >= 1 (got ${JSON.stringify(flags.round)})`, { field: 'round' });
  }
  const round = BigInt(flags.round);
  const { publicClient } = await connectNode(flags.rpc);
  const windows = { onProgress: progressLine(io) };
  if (flags.market !== undefined && flags.market !== 'pool' && flags.market !== 'bilateral') {
    throw new DerchainInputError(`--market must be pool or bilateral (got ${JSON.stringify(flags.market)})`, { field: 'market' });
  }
  const found = flags.contract
    ? { address: getAddress(flags.contract), market: (flags.market as 'pool' | 'bilateral' | undefined) ?? (await marketAt(publicClient, getAddress(flags.contract))) }
    : await findContract(publicClient, flags.rpc, round, windows, flags.market);
  const address = found.address;
  if (found.market === 'pool') return verifyPool(publicClient, address, round, flags, windows, io);
  const codeMatches = await codeMatchesSource(publicClient, address);
  const report = await verifyRound(publicClient, address, round, undefined, windows);
  const ok = report.mismatches.length === 0 && codeMatches;
  const rp = await new CoordinatorClient(publicClient, address).roundParams(round);
  const oscillating = findOscillations(report.trades, rp.n, rp.t);
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({ ok, contract: address, codeMatchesSource: codeMatches, round: String(report.round), iterations: report.iterations, converged: report.converged, storageChecked: report.storageChecked, mismatches: report.mismatches, oscillating })}\n`,
    );
  } else {
    io.stdout.write(
      `derchain verify: round ${report.round} at ${address}: ${report.iterations} iterations replayed, storage compared at ${report.storageChecked}, ${report.mismatches.length === 0 ? 'all equal' : `${report.mismatches.length} mismatches`}\n`,
    );
    io.stdout.write(
      codeMatches
        ? '  code at the address is contracts/DerCoordinator.sol as this checkout builds it\n'
        : '  NOT ok: the code at the address differs from contracts/DerCoordinator.sol as this checkout builds it (another version or another contract); its events and storage were replayed, but they do not prove this source\'s rules\n',
    );
    for (const o of oscillating) {
      io.stdout.write(`  warning: participant ${o.participant} oscillates: its rows reverse sign without shrinking for ${o.iterations} iterations from iteration ${o.fromIteration} (keeps the round open)\n`);
    }
    for (const m of report.mismatches.slice(0, 50)) {
      const where = m.i !== undefined ? (m.j !== undefined ? ` pair (${m.i},${m.j}) slot ${m.slot}` : ` participant ${m.i}`) : '';
      io.stdout.write(`  iteration ${m.iteration}: ${m.what}${where}: replay ${m.expected}, chain ${m.actual}\n`);
    }
  }
  if (!ok) io.setExitCode(1);
}

/** The community market's round: every clearing and settlement replayed, every row's signer recomputed. */
async function verifyPool(publicClient: PublicClient<Transport, Chain>, address: Address, round: bigint, flags: VerifyFlags, windows: LogWindowOptions, io: CommandIO): Promise<void> {
  const codeMatches = await poolCodeMatchesSource(publicClient, address);
  const report = await verifyPoolRound(publicClient, address, round, undefined, windows);
  const ok = report.mismatches.length === 0;
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({ ok, market: 'pool', contract: address, codeMatchesSource: codeMatches, round: String(report.round), iterations: report.iterations, status: report.status, signaturesChecked: report.signaturesChecked, settlement: report.settlement.map(String), mismatches: report.mismatches })}\n`,
    );
  } else {
    io.stdout.write(
      `derchain verify (community market): round ${report.round} at ${address}: ${report.iterations} clearings replayed (${report.status}), ${report.signaturesChecked} row signers recomputed, ${ok ? 'all equal' : `${report.mismatches.length} mismatches`}\n`,
    );
    io.stdout.write(
      codeMatches
        ? '  code at the address is contracts/PoolCoordinator.sol as this checkout builds it\n'
        : '  warning: the code at the address differs from contracts/PoolCoordinator.sol as this checkout builds it; the replay above still checks its events and signatures\n',
    );
    for (const m of report.mismatches.slice(0, 50)) {
      io.stdout.write(`  iteration ${m.iteration}: ${m.what}${m.participant ? ` participant ${m.participant}` : ''}: replay ${m.expected.slice(0, 120)}, chain ${m.actual.slice(0, 120)}\n`);
    }
  }
  if (!ok) io.setExitCode(1);
}

export function register(program: Command, io: CommandIO = processIO()): void {
  const cmd = program
    .command('verify')
    .description("Replay a round from the chain's events: bilateral (every lambda and pHat against admm/coordinatorStep.ts) or pool (every clearing and settlement against admm/poolStep.ts, every row's signer)");
  addRpcOption(cmd, { required: true, description: 'loopback JSON-RPC endpoint' })
    .requiredOption('--round <r>', 'round id')
    .option('--contract <address>', 'coordinator address (default: the contract that opened the round, found by its RoundOpened event)')
    .option('--market <market>', 'pool or bilateral (default: detected from the contract)');
  addJsonOption(cmd).action(exitOnInputError('verify', (flags: VerifyFlags) => verify(flags, io), io));
}
