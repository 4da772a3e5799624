// SPDX-License-Identifier: MIT
// What a fleet rollout reads from the consortium: which agent release artifacts (by the sha256 of
// the artifact file) the members have approved. Approvals and revocations are decided by majority
// in contracts/Governance.sol. ERC-165 id: see `supportsInterface` there.
pragma solidity 0.8.30;

interface IReleaseRegistry {
    /// @notice A majority approved the release artifact with this sha256.
    /// @param artifactSha256 sha256 of the release artifact file
    /// @param proposalId the deciding proposal
    /// @param label the release name
    event ReleaseApproved(bytes32 indexed artifactSha256, uint256 indexed proposalId, string label);
    /// @notice A majority revoked a previously approved release artifact.
    /// @param artifactSha256 sha256 of the release artifact file
    /// @param proposalId the deciding proposal
    /// @param reason why
    event ReleaseRevoked(bytes32 indexed artifactSha256, uint256 indexed proposalId, string reason);

    /// @param artifactSha256 sha256 of the release artifact file
    /// @return true while a decided approval is in force (approved and not revoked since)
    function isReleaseApproved(bytes32 artifactSha256) external view returns (bool);

    /// @return the number of currently approved release hashes
    function approvedReleaseCount() external view returns (uint256);

    /// @param index 0-based, below `approvedReleaseCount()` (the order changes when one is revoked)
    /// @return the approved release hash at `index`
    function approvedReleaseAt(uint256 index) external view returns (bytes32);

    /// @return every currently approved release hash
    function approvedReleases() external view returns (bytes32[] memory);

    /// @param artifactSha256 sha256 of the release artifact file
    /// @return approved true while approved
    /// @return label the label of the last decision (release name on approval, reason on revocation)
    /// @return proposalId the proposal of the last decision about this hash (meaningful when decidedAt > 0)
    /// @return decidedAt block time of that decision, 0 if never decided
    function releaseInfo(bytes32 artifactSha256)
        external
        view
        returns (bool approved, string memory label, uint256 proposalId, uint64 decidedAt);
}
