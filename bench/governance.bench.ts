// Reading a long proposal history: 2,000 decided proposals on anvil, then what `validators list`
// (the contract's open set), `validators status` (the newest 20, one getProposals call) and
// `status --all` (pages of 50) cost, against the former way of one getProposal call per proposal
// ever made (issue 14, item 18: 5.35 s and 410 MB for 2,000 proposals). Prints wall time and the
// process's peak RSS after each step (peak RSS only grows, so the cheap reads come first).
import { resourceUsage } from 'node:process';
import { createPublicClient, createWalletClient, http, type Address } from 'viem';
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { startAnvil } from '../chain/localChain.js';
import { chainFor } from '../chain/rpc.js';
import { deployGovernance } from '../governance/deployGovernance.js';
import { governanceAbi } from '../governance/governanceAbi.js';
import { GovernanceClient } from '../governance/governanceClient.js';

const PROPOSALS = Number(process.env.DERCHAIN_BENCH_GOV_PROPOSALS ?? 2000);
// anvil's public development mnemonic (funded test accounts, never real keys)
const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

const peakMb = () => (resourceUsage().maxRSS / 1024).toFixed(0);

async function timed<T>(label: string, f: () => Promise<T>, describe: (r: T) => string): Promise<void> {
  const started = performance.now();
  const result = await f();
  console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s, ${describe(result)}; peak RSS ${peakMb()} MB`);
}

export async function run(): Promise<void> {
  const anvil = await startAnvil();
  try {
    const chain = chainFor(31337, anvil.rpcUrl);
    const publicClient = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
    const accounts = [0, 1, 2].map((i) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i }));
    const wallets = accounts.map((account) => createWalletClient({ chain, transport: http(anvil.rpcUrl), account }));
    const address = await deployGovernance(publicClient, wallets[0]!, {
      members: accounts.map((a, i) => ({ address: a.address, name: `Org ${i}` })),
      validators: [{ address: accounts[0]!.address, enode: '', label: 'v0' }],
      votingPeriodSeconds: 3600,
    });
    const started = performance.now();
    let failed = 0;
    for (let id = 0; id < PROPOSALS; id++) {
      const subject: Address = privateKeyToAccount(generatePrivateKey()).address;
      const hash = await wallets[0]!.writeContract({ address, abi: governanceAbi, functionName: 'propose', args: [0, subject, '', `p${id}`], gas: 600_000n });
      if ((await publicClient.waitForTransactionReceipt({ hash })).status !== 'success') failed++;
      // the second of three members decides: the validator is added (a decided, closed proposal)
      await wallets[1]!.writeContract({ address, abi: governanceAbi, functionName: 'vote', args: [BigInt(id - failed), true], gas: 900_000n });
    }
    const g = new GovernanceClient(publicClient, address);
    const count = await g.proposalCount();
    console.log(
      `history: ${count} decided proposals made in ${((performance.now() - started) / 1000).toFixed(1)} s (${failed} proposals failed); peak RSS ${peakMb()} MB`,
    );
    await timed('list (open set)', () => g.openProposals(), (r) => `${r.length} open proposals`);
    await timed('status (newest 20)', () => g.proposals({ limit: 20 }), (r) => `${r.proposals.length} of ${r.total}`);
    await timed('status --all (pages of 50)', () => g.proposals(), (r) => `${r.proposals.length} proposals`);
    await timed('former: one getProposal per proposal, all at once', () => Promise.all(Array.from({ length: count }, (_, id) => g.proposal(id))), (r) => `${r.length} proposals`);
  } finally {
    await anvil.stop();
  }
}
