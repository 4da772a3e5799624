// SPDX-License-Identifier: MIT
// The consortium's governance interface: members decide by strict majority on proposals about
// validators, members, prosumer admission in the coordinator, the coordinator itself, and agent
// releases (IReleaseRegistry). contracts/Governance.sol implements it; clients check its ERC-165 id
// before they send anything (governance/governanceClient.ts `assertGovernance`).
pragma solidity 0.8.30;

interface IConsortiumGovernance {
    /// Codes are stable: new kinds are appended.
    enum Kind {
        AddValidator,
        RemoveValidator,
        AddMember,
        RemoveMember,
        AdmitProsumer,
        RemoveProsumer,
        SetCoordinator,
        ApproveRelease,
        RevokeRelease
    }

    /// Expired is reported for an Open proposal past its deadline, and stored once someone calls
    /// `expire` (or a new proposal on the same subject replaces it). Obsolete: the proposal could
    /// no longer take effect (the state it was about changed) and a new proposal on its subject
    /// replaced it.
    enum Status {
        None,
        Open,
        Executed,
        Rejected,
        Expired,
        Obsolete
    }

    enum Ballot {
        None,
        Yes,
        No
    }

    /// One proposal as the views return it.
    struct ProposalRecord {
        uint256 id;
        Kind kind;
        /// effective status (Open past the deadline reads Expired)
        Status status;
        /// validator, member, prosumer or coordinator address; zero for release kinds and for
        /// "unset the coordinator"
        address subject;
        /// sha256 of the release artifact (release kinds), else zero
        bytes32 artifactSha256;
        address proposer;
        uint64 createdAt;
        uint64 deadline;
        string enode;
        /// validator label, new member's organisation name, release label or revocation reason
        string label;
        /// yes and no votes of current members
        uint256 yes;
        uint256 no;
    }

    /// @notice A member opened a proposal (the proposer's yes vote follows as VoteCast).
    /// @param id proposal id
    /// @param kind what it proposes
    /// @param subject the address it is about (zero for release kinds and for unsetting the coordinator)
    /// @param proposer the member who opened it
    /// @param deadline last second at which it can be voted on
    /// @param enode the new validator's enode (AddValidator), else ""
    /// @param label validator label, member name, release label or revocation reason
    event ProposalCreated(
        uint256 indexed id,
        Kind kind,
        address indexed subject,
        address indexed proposer,
        uint64 deadline,
        string enode,
        string label
    );
    /// @notice A release proposal was opened (with ProposalCreated).
    /// @param id proposal id
    /// @param artifactSha256 sha256 of the release artifact
    /// @param approve true = approval, false = revocation
    event ReleaseProposalCreated(uint256 indexed id, bytes32 indexed artifactSha256, bool approve);
    /// @notice A member voted.
    /// @param id proposal id
    /// @param voter the member
    /// @param support true = yes
    /// @param yes yes votes of current members after this vote
    /// @param no no votes of current members after this vote
    event VoteCast(uint256 indexed id, address indexed voter, bool support, uint256 yes, uint256 no);
    /// @notice A proposal took effect.
    /// @param id proposal id
    /// @param kind what it did
    /// @param subject the address it was about
    event ProposalExecuted(uint256 indexed id, Kind kind, address indexed subject);
    /// @notice A majority can no longer be reached: the proposal is rejected.
    /// @param id proposal id
    /// @param yes yes votes at rejection
    /// @param no no votes at rejection
    event ProposalRejected(uint256 indexed id, uint256 yes, uint256 no);
    /// @notice An open proposal past its deadline was recorded as expired.
    /// @param id proposal id
    event ProposalExpired(uint256 indexed id);
    /// @notice An open proposal that could no longer take effect was replaced.
    /// @param id the replaced proposal
    /// @param replacedBy the new proposal on the same subject
    event ProposalObsolete(uint256 indexed id, uint256 indexed replacedBy);
    /// @param member the new member account
    /// @param name its organisation name
    event MemberAdded(address indexed member, string name);
    /// @param member the removed member account
    event MemberRemoved(address indexed member);
    /// @param validator the new validator's signer address
    /// @param enode its enode URL
    /// @param label its label
    event ValidatorAdded(address indexed validator, string enode, string label);
    /// @param validator the removed validator's signer address
    event ValidatorRemoved(address indexed validator);
    /// @param coordinator the coordinator contract
    /// @param prosumer the admitted account
    event ProsumerAdmitted(address indexed coordinator, address indexed prosumer);
    /// @param coordinator the coordinator contract
    /// @param prosumer the removed account
    event ProsumerRemoved(address indexed coordinator, address indexed prosumer);
    /// @param previous the former coordinator (zero = none)
    /// @param next the new coordinator (zero = none)
    event CoordinatorChanged(address indexed previous, address indexed next);

    /// @notice Opens a proposal about an address and counts the proposer's yes vote.
    /// @param kind any kind but the release kinds
    /// @param subject validator, member, prosumer or coordinator (zero only for SetCoordinator: unset)
    /// @param enode the new validator's enode URL (AddValidator), else ""
    /// @param label validator label or the new member's organisation name
    /// @return id the new proposal's id
    function propose(Kind kind, address subject, string calldata enode, string calldata label) external returns (uint256 id);

    /// @notice Opens a proposal to approve a release artifact; counts the proposer's yes vote.
    /// @param artifactSha256 sha256 of the release artifact file (not zero)
    /// @param label release name shown to members, e.g. "agent 1.4.2"
    /// @return id the new proposal's id
    function proposeReleaseApproval(bytes32 artifactSha256, string calldata label) external returns (uint256 id);

    /// @notice Opens a proposal to revoke an approved release artifact; counts the proposer's yes vote.
    /// @param artifactSha256 sha256 of an approved release artifact
    /// @param reason why, shown to members
    /// @return id the new proposal's id
    function proposeReleaseRevocation(bytes32 artifactSha256, string calldata reason) external returns (uint256 id);

    /// @notice A member's yes or no; the deciding vote executes or rejects the proposal.
    /// @param id proposal id
    /// @param support true = yes
    function vote(uint256 id, bool support) external;

    /// @notice Executes an open proposal that has a majority of the current members. Anyone may call.
    /// @param id proposal id
    function execute(uint256 id) external;

    /// @notice Records that an open proposal passed its deadline. Anyone may call.
    /// @param id proposal id
    function expire(uint256 id) external;

    /// @return the validator set (Besu QBFT contract validator selection reads this)
    function getValidators() external view returns (address[] memory);

    /// @return the member accounts
    function getMembers() external view returns (address[] memory);

    /// @param member a member account
    /// @return the member's organisation name ("" for a non-member)
    function memberName(address member) external view returns (string memory);

    /// @param account any account
    /// @return true if `account` is a member
    function isMember(address account) external view returns (bool);

    /// @param account any account
    /// @return true if `account` is a validator
    function isValidator(address account) external view returns (bool);

    /// @param validator a validator
    /// @return enode its enode URL
    /// @return label its label
    function validatorInfo(address validator) external view returns (string memory enode, string memory label);

    /// @return yes votes needed: a strict majority of the current members
    function majority() external view returns (uint256);

    /// @return seconds a proposal stays open
    function votingPeriod() external view returns (uint64);

    /// @return the coordinator whose admission this contract administers (zero = none)
    function coordinator() external view returns (address);

    /// @return the number of proposals ever made (ids are 0 .. count-1)
    function proposalCount() external view returns (uint256);

    /// @param id proposal id
    /// @return the proposal with its effective status and current tally
    function getProposal(uint256 id) external view returns (ProposalRecord memory);

    /// @param ids proposal ids (a page, or `openProposalIds()`)
    /// @return the proposals, in the order of `ids`
    function getProposals(uint256[] calldata ids) external view returns (ProposalRecord[] memory);

    /// @return ids of proposals not yet executed, rejected or recorded as expired (some may be
    /// past their deadline: their effective status reads Expired)
    function openProposalIds() external view returns (uint256[] memory);

    /// @param id proposal id
    /// @return the effective status
    function proposalStatus(uint256 id) external view returns (Status);

    /// @param id proposal id
    /// @param member a member account
    /// @return the member's counted ballot (None if not voted, or voted before a removal)
    function ballotOf(uint256 id, address member) external view returns (Ballot);

    /// @param id proposal id
    /// @return yes votes of current members
    /// @return no votes of current members
    function tally(uint256 id) external view returns (uint256 yes, uint256 no);

    /// @return the number of executed validator changes
    function validatorChangeCount() external view returns (uint256);

    /// @param index 0-based, in execution order
    /// @return proposalId the executed proposal
    /// @return validator the validator added or removed
    /// @return add true = added
    function validatorChangeAt(uint256 index) external view returns (uint256 proposalId, address validator, bool add);
}
