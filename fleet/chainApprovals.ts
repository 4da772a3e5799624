// The gateway's view of release approvals: reads the governance contract's release registry
// (IReleaseRegistry: isReleaseApproved / releaseInfo, written by approve-release and revoke-release
// proposals that a majority of members decided). A hash whose last decision was a revoke-release
// proposal reads as revoked; one never decided as neither approved nor revoked.
import { connectNode } from '../chain/rpc.js';
import { GovernanceClient } from '../governance/governanceClient.js';
import type { Address } from 'viem';
import { assertSha256Hex, type ReleaseApprovalSource, type ReleaseApprovalStatus } from './releaseApproval.js';

export class ChainApprovals implements ReleaseApprovalSource {
  constructor(readonly governance: GovernanceClient) {}

  /** Connects to a loopback node and checks that the address is the release registry. */
  static async connect(rpcUrl: string, governance: Address): Promise<ChainApprovals> {
    const { publicClient } = await connectNode(rpcUrl);
    const client = new GovernanceClient(publicClient, governance);
    await client.assertGovernance('releaseRegistry');
    return new ChainApprovals(client);
  }

  async status(hash: string): Promise<ReleaseApprovalStatus> {
    const h = assertSha256Hex(hash);
    const info = await this.governance.releaseInfo(`0x${h}`);
    if (info.approved) return { hash: h, approved: true, revoked: false };
    if (info.proposalId === undefined) return { hash: h, approved: false, revoked: false };
    const last = await this.governance.proposal(info.proposalId);
    return { hash: h, approved: false, revoked: last.kind === 'revoke-release' };
  }
}
