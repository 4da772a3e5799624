// SPDX-License-Identifier: MIT
// Consortium governance for a derchain chain: the member organisations (one account each) decide
// by simple majority on proposals to add or remove a validator (signer address, enode, label), to
// add or remove a member, to admit or remove prosumers in the coordinator contract (whose
// admitter role this contract holds; a proposal can point it at a new coordinator, which must then
// transfer its admitter role here, or unset it), and to approve or revoke agent release artifacts
// (by sha256) that the fleet may run on meters. Proposals expire; every step emits an event.
// The validator set is exposed as `getValidators()`, the interface Besu's QBFT contract-based
// validator selection reads; on Clique the derchain validator bridge turns decided changes into
// `clique_propose` votes. Compiled for EVM "paris" (geth's Clique rejects Shanghai).
//
// Rules beyond the majority (README, "Validator governance"):
// - one open proposal per subject (validator, member, prosumer, the coordinator, a release hash):
//   decisions on a subject happen in the order they were proposed, so no stale duplicate can
//   execute after the opposite decision; a new proposal on the subject replaces an open one only
//   when that one is past its deadline (marked Expired) or can no longer take effect (Obsolete);
// - a ballot counts only while its voter stays a member: removing a member voids its ballots,
//   also if the member is added again later (it may vote again);
// - the voting period lies in [MIN_VOTING_PERIOD, MAX_VOTING_PERIOD];
// - labels, names and enodes are bounded in length and hold no control characters;
// - a coordinator must be a contract that answers `admitted(address)`; an admission or removal
//   counts only when the coordinator reports it done.
pragma solidity 0.8.30;

import {EnumerableSets} from "./EnumerableSets.sol";
import {IConsortiumGovernance} from "./IConsortiumGovernance.sol";
import {IReleaseRegistry} from "./IReleaseRegistry.sol";

/// The admission side of the coordinator contract that this contract administers.
interface IProsumerAdmission {
    /// @param prosumer the account to admit
    function admitProsumer(address prosumer) external;
    /// @param prosumer the account to remove
    function removeProsumer(address prosumer) external;
    /// @param prosumer any account
    /// @return true if admitted
    function admitted(address prosumer) external view returns (bool);
}

/// The two-step admitter hand-over of a coordinator (as `PoolCoordinator` has): the admitter
/// proposes the next one, which accepts.
interface IAdmitterHandover {
    /// @return the account proposed as the next admitter (zero: none)
    function pendingAdmitter() external view returns (address);
    /// Takes the admitter role; only the proposed account may call it.
    function acceptAdmitter() external;
}

/// The ERC-165 probe, so a client can tell this contract from an account or a fallback contract.
interface IERC165 {
    /// @param interfaceId the ERC-165 interface id
    /// @return true if the contract implements it
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
}

contract Governance is IConsortiumGovernance, IReleaseRegistry, IERC165 {
    using EnumerableSets for EnumerableSets.AddressSet;
    using EnumerableSets for EnumerableSets.Bytes32Set;

    /// @return the shortest voting period accepted, in seconds
    uint64 public constant MIN_VOTING_PERIOD = 1;
    /// @return the longest voting period accepted, in seconds (366 days)
    uint64 public constant MAX_VOTING_PERIOD = 366 days;
    /// @return the longest label, member name, release label or reason accepted, in bytes
    uint256 public constant MAX_LABEL_BYTES = 100;
    /// @return the longest enode URL accepted, in bytes
    uint256 public constant MAX_ENODE_BYTES = 512;

    struct ValidatorInfo {
        string enode;
        string label;
    }

    /// One executed validator proposal, in execution order: what the validator bridge follows.
    struct ValidatorChange {
        uint256 proposalId;
        address validator;
        bool add;
    }

    struct Proposal {
        Kind kind;
        Status status;
        address subject;
        address proposer;
        uint64 createdAt;
        uint64 deadline;
        string enode;
        string label;
    }

    /// A ballot with the voter's membership generation at the time (stale once it was removed).
    struct BallotRecord {
        Ballot ballot;
        uint64 generation;
    }

    struct ReleaseDecision {
        string label;
        uint256 proposalId;
        uint64 decidedAt;
    }

    // ---- state. Slots 0-6 are written by the QBFT genesis generator (governance/qbftGenesis.ts):
    // keep their order and types; tests/governance/storageLayout.test.ts pins them. Append only. ----
    EnumerableSets.AddressSet private members; // slots 0 (values) and 1 (positions)
    mapping(address => string) private memberNames; // 2
    EnumerableSets.AddressSet private validators; // 3 and 4
    mapping(address => ValidatorInfo) private validatorInfos; // 5
    uint64 public votingPeriod; // 6: seconds a proposal stays open
    address public coordinator; // 6 (offset 8): the coordinator whose admission this contract owns (0 = none)
    Proposal[] private proposals; // 7
    mapping(uint256 => mapping(address => BallotRecord)) private ballots; // 8
    ValidatorChange[] private validatorChanges; // 9
    EnumerableSets.Bytes32Set private approvedReleaseSet; // 10 and 11
    mapping(bytes32 => ReleaseDecision) private releaseDecisions; // 12
    mapping(uint256 => bytes32) private proposalArtifacts; // 13: release proposals' hash
    mapping(bytes32 => uint256) private openProposalBySubject; // 14: subject key -> id + 1
    EnumerableSets.Bytes32Set private openProposals; // 15 and 16: ids not yet closed
    mapping(address => uint64) private memberGeneration; // 17: bumped when a member is removed

    // ---- errors ----
    error NotMember(address account);
    error UnknownProposal(uint256 id);
    error ProposalNotOpen(uint256 id, Status status);
    error ProposalHasExpired(uint256 id, uint64 deadline);
    error ProposalNotExpired(uint256 id, uint64 deadline);
    error AlreadyVoted(uint256 id, address voter);
    error NoMajority(uint256 id, uint256 yes, uint256 needed);
    error ZeroAddress();
    error AlreadyMember(address account);
    error AlreadyValidator(address validator);
    error NotValidator(address validator);
    error LastMember();
    error LastValidator();
    error NoCoordinator();
    error BadGenesis(string reason);
    error VotingPeriodOutOfRange(uint64 given, uint64 min, uint64 max);
    error SubjectHasOpenProposal(uint256 openId);
    error ReleaseKindNeedsHash(Kind kind);
    error ZeroReleaseHash();
    error ReleaseAlreadyApproved(bytes32 artifactSha256);
    error ReleaseNotApproved(bytes32 artifactSha256);
    error TextTooLong(uint256 length, uint256 max);
    error ControlCharacter(uint256 position);
    error NotACoordinator(address account);
    error AlreadyCoordinator(address account);
    error CoordinatorDidNotAct(address coordinator, address prosumer);
    error ProsumerAlreadyAdmitted(address prosumer);
    error ProsumerNotAdmitted(address prosumer);
    error NoAdmitterHandover(address coordinator);

    /// The administered coordinator's admitter role passed to this contract (two-step hand-over).
    event CoordinatorAdmitterAccepted(address indexed coordinator);

    modifier onlyMember() {
        if (!members.contains(msg.sender)) revert NotMember(msg.sender);
        _;
    }

    /// @param initialMembers the founding member accounts
    /// @param memberNameList their organisation names (same order)
    /// @param initialValidators the initial validator signer addresses
    /// @param enodes their enode URLs (same order)
    /// @param labels their labels (same order)
    /// @param votingPeriodSeconds how long a proposal stays open, within [MIN_VOTING_PERIOD, MAX_VOTING_PERIOD]
    /// @param coordinatorContract the coordinator to administer (zero = none; not probed, as a
    ///        genesis may name one deployed later)
    constructor(
        address[] memory initialMembers,
        string[] memory memberNameList,
        address[] memory initialValidators,
        string[] memory enodes,
        string[] memory labels,
        uint64 votingPeriodSeconds,
        address coordinatorContract
    ) {
        if (initialMembers.length == 0) revert BadGenesis("no members");
        if (initialMembers.length != memberNameList.length) revert BadGenesis("member names");
        if (initialValidators.length != enodes.length || initialValidators.length != labels.length) {
            revert BadGenesis("validator enodes/labels");
        }
        if (votingPeriodSeconds < MIN_VOTING_PERIOD || votingPeriodSeconds > MAX_VOTING_PERIOD) {
            revert VotingPeriodOutOfRange(votingPeriodSeconds, MIN_VOTING_PERIOD, MAX_VOTING_PERIOD);
        }
        for (uint256 i = 0; i < initialMembers.length; i++) {
            _checkText(memberNameList[i], MAX_LABEL_BYTES);
            _addMember(initialMembers[i], memberNameList[i]);
        }
        for (uint256 i = 0; i < initialValidators.length; i++) {
            _checkText(enodes[i], MAX_ENODE_BYTES);
            _checkText(labels[i], MAX_LABEL_BYTES);
            _addValidator(initialValidators[i], enodes[i], labels[i]);
        }
        votingPeriod = votingPeriodSeconds;
        coordinator = coordinatorContract;
    }

    // ---- proposals and votes ----

    /// @inheritdoc IConsortiumGovernance
    function propose(Kind kind, address subject, string calldata enode, string calldata label)
        external
        onlyMember
        returns (uint256 id)
    {
        if (kind == Kind.ApproveRelease || kind == Kind.RevokeRelease) revert ReleaseKindNeedsHash(kind);
        if (subject == address(0) && kind != Kind.SetCoordinator) revert ZeroAddress();
        _checkText(enode, MAX_ENODE_BYTES);
        _checkText(label, MAX_LABEL_BYTES);
        _checkApplicable(kind, subject, bytes32(0));
        id = _open(kind, subject, bytes32(0), enode, label);
    }

    /// @inheritdoc IConsortiumGovernance
    function proposeReleaseApproval(bytes32 artifactSha256, string calldata label) external onlyMember returns (uint256 id) {
        return _proposeRelease(Kind.ApproveRelease, artifactSha256, label);
    }

    /// @inheritdoc IConsortiumGovernance
    function proposeReleaseRevocation(bytes32 artifactSha256, string calldata reason) external onlyMember returns (uint256 id) {
        return _proposeRelease(Kind.RevokeRelease, artifactSha256, reason);
    }

    /// @inheritdoc IConsortiumGovernance
    function vote(uint256 id, bool support) external onlyMember {
        _requireOpen(id);
        _vote(id, support);
    }

    /// @inheritdoc IConsortiumGovernance
    function execute(uint256 id) external {
        _requireOpen(id);
        (uint256 yes, ) = tally(id);
        if (!_isMajority(yes)) revert NoMajority(id, yes, majority());
        _execute(id);
    }

    /// @inheritdoc IConsortiumGovernance
    function expire(uint256 id) external {
        if (id >= proposals.length) revert UnknownProposal(id);
        Proposal storage p = proposals[id];
        if (p.status != Status.Open) revert ProposalNotOpen(id, p.status);
        if (block.timestamp <= p.deadline) revert ProposalNotExpired(id, p.deadline);
        _close(id, Status.Expired);
        emit ProposalExpired(id);
    }

    /// @notice Takes the admitter role that the administered coordinator's admitter has proposed to
    /// this contract (`proposeAdmitter(governance)` on a pool coordinator). Anybody may call it: it
    /// accepts only a hand-over the coordinator offered, for the coordinator the members chose. An
    /// executed `SetCoordinator` does the same when the offer is already there.
    function acceptCoordinatorAdmitter() external {
        if (coordinator == address(0)) revert NoCoordinator();
        if (!_acceptAdmitterOf(coordinator)) revert NoAdmitterHandover(coordinator);
    }

    // ---- views ----

    /// @notice ERC-165: true for IERC165, IConsortiumGovernance and IReleaseRegistry, false for 0xffffffff.
    /// @param interfaceId the ERC-165 interface id
    /// @return true if this contract implements it
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId
            || interfaceId == type(IConsortiumGovernance).interfaceId
            || interfaceId == type(IReleaseRegistry).interfaceId;
    }

    /// @inheritdoc IConsortiumGovernance
    function getValidators() external view returns (address[] memory) {
        return validators.valuesOf();
    }

    /// @inheritdoc IConsortiumGovernance
    function getMembers() external view returns (address[] memory) {
        return members.valuesOf();
    }

    /// @inheritdoc IConsortiumGovernance
    function memberName(address member) external view returns (string memory) {
        return memberNames[member];
    }

    /// @inheritdoc IConsortiumGovernance
    function isMember(address account) external view returns (bool) {
        return members.contains(account);
    }

    /// @inheritdoc IConsortiumGovernance
    function isValidator(address account) external view returns (bool) {
        return validators.contains(account);
    }

    /// @inheritdoc IConsortiumGovernance
    function validatorInfo(address validator) external view returns (string memory enode, string memory label) {
        ValidatorInfo storage v = validatorInfos[validator];
        return (v.enode, v.label);
    }

    /// @inheritdoc IConsortiumGovernance
    function majority() public view returns (uint256) {
        return members.length() / 2 + 1;
    }

    /// @inheritdoc IConsortiumGovernance
    function proposalCount() external view returns (uint256) {
        return proposals.length;
    }

    /// @inheritdoc IConsortiumGovernance
    function getProposal(uint256 id) public view returns (ProposalRecord memory record) {
        if (id >= proposals.length) revert UnknownProposal(id);
        Proposal storage p = proposals[id];
        (uint256 yes, uint256 no) = tally(id);
        return ProposalRecord({
            id: id,
            kind: p.kind,
            status: proposalStatus(id),
            subject: p.subject,
            artifactSha256: proposalArtifacts[id],
            proposer: p.proposer,
            createdAt: p.createdAt,
            deadline: p.deadline,
            enode: p.enode,
            label: p.label,
            yes: yes,
            no: no
        });
    }

    /// @inheritdoc IConsortiumGovernance
    function getProposals(uint256[] calldata ids) external view returns (ProposalRecord[] memory records) {
        records = new ProposalRecord[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) records[i] = getProposal(ids[i]);
    }

    /// @inheritdoc IConsortiumGovernance
    function openProposalIds() external view returns (uint256[] memory ids) {
        uint256 n = openProposals.length();
        ids = new uint256[](n);
        for (uint256 i = 0; i < n; i++) ids[i] = uint256(openProposals.at(i));
    }

    /// @inheritdoc IConsortiumGovernance
    function proposalStatus(uint256 id) public view returns (Status) {
        if (id >= proposals.length) revert UnknownProposal(id);
        Proposal storage p = proposals[id];
        if (p.status == Status.Open && block.timestamp > p.deadline) return Status.Expired;
        return p.status;
    }

    /// @inheritdoc IConsortiumGovernance
    function ballotOf(uint256 id, address member) public view returns (Ballot) {
        BallotRecord storage b = ballots[id][member];
        if (b.generation != memberGeneration[member]) return Ballot.None;
        return b.ballot;
    }

    /// @inheritdoc IConsortiumGovernance
    function tally(uint256 id) public view returns (uint256 yes, uint256 no) {
        uint256 n = members.length();
        for (uint256 i = 0; i < n; i++) {
            Ballot b = ballotOf(id, members.at(i));
            if (b == Ballot.Yes) yes++;
            else if (b == Ballot.No) no++;
        }
    }

    /// @inheritdoc IConsortiumGovernance
    function validatorChangeCount() external view returns (uint256) {
        return validatorChanges.length;
    }

    /// @inheritdoc IConsortiumGovernance
    function validatorChangeAt(uint256 index) external view returns (uint256 proposalId, address validator, bool add) {
        ValidatorChange storage c = validatorChanges[index];
        return (c.proposalId, c.validator, c.add);
    }

    /// @inheritdoc IReleaseRegistry
    function isReleaseApproved(bytes32 artifactSha256) external view returns (bool) {
        return approvedReleaseSet.contains(artifactSha256);
    }

    /// @inheritdoc IReleaseRegistry
    function approvedReleaseCount() external view returns (uint256) {
        return approvedReleaseSet.length();
    }

    /// @inheritdoc IReleaseRegistry
    function approvedReleaseAt(uint256 index) external view returns (bytes32) {
        return approvedReleaseSet.at(index);
    }

    /// @inheritdoc IReleaseRegistry
    function approvedReleases() external view returns (bytes32[] memory) {
        return approvedReleaseSet.valuesOf();
    }

    /// @inheritdoc IReleaseRegistry
    function releaseInfo(bytes32 artifactSha256)
        external
        view
        returns (bool approved, string memory label, uint256 proposalId, uint64 decidedAt)
    {
        ReleaseDecision storage d = releaseDecisions[artifactSha256];
        return (approvedReleaseSet.contains(artifactSha256), d.label, d.proposalId, d.decidedAt);
    }

    // ---- internals ----

    function _proposeRelease(Kind kind, bytes32 artifactSha256, string calldata label) private returns (uint256) {
        _checkText(label, MAX_LABEL_BYTES);
        _checkApplicable(kind, address(0), artifactSha256);
        return _open(kind, address(0), artifactSha256, "", label);
    }

    /// Records a new proposal (one open per subject), emits, and counts the proposer's yes.
    function _open(Kind kind, address subject, bytes32 artifact, string memory enode, string memory label)
        private
        returns (uint256 id)
    {
        bytes32 key = _subjectKey(kind, subject, artifact);
        uint256 previous = openProposalBySubject[key];
        id = proposals.length;
        if (previous != 0) {
            uint256 prevId = previous - 1;
            Proposal storage prev = proposals[prevId];
            if (block.timestamp > prev.deadline) {
                _close(prevId, Status.Expired);
                emit ProposalExpired(prevId);
            } else if (_inapplicability(prev.kind, prev.subject, proposalArtifacts[prevId]).length > 0) {
                _close(prevId, Status.Obsolete);
                emit ProposalObsolete(prevId, id);
            } else {
                revert SubjectHasOpenProposal(prevId);
            }
        }
        uint64 deadline = uint64(block.timestamp) + votingPeriod;
        proposals.push(
            Proposal({
                kind: kind,
                status: Status.Open,
                subject: subject,
                proposer: msg.sender,
                createdAt: uint64(block.timestamp),
                deadline: deadline,
                enode: enode,
                label: label
            })
        );
        if (artifact != bytes32(0)) proposalArtifacts[id] = artifact;
        openProposalBySubject[key] = id + 1;
        openProposals.add(bytes32(id));
        emit ProposalCreated(id, kind, subject, msg.sender, deadline, enode, label);
        if (artifact != bytes32(0)) emit ReleaseProposalCreated(id, artifact, kind == Kind.ApproveRelease);
        _vote(id, true);
    }

    /// Leaves the Open status: executed, rejected or expired.
    function _close(uint256 id, Status status) private {
        Proposal storage p = proposals[id];
        p.status = status;
        bytes32 key = _subjectKey(p.kind, p.subject, proposalArtifacts[id]);
        if (openProposalBySubject[key] == id + 1) delete openProposalBySubject[key];
        openProposals.remove(bytes32(id));
    }

    /// What a proposal is about: proposals with the same key are decided one at a time.
    function _subjectKey(Kind kind, address subject, bytes32 artifact) private pure returns (bytes32) {
        if (kind == Kind.AddValidator || kind == Kind.RemoveValidator) return keccak256(abi.encode(uint8(1), subject));
        if (kind == Kind.AddMember || kind == Kind.RemoveMember) return keccak256(abi.encode(uint8(2), subject));
        if (kind == Kind.AdmitProsumer || kind == Kind.RemoveProsumer) return keccak256(abi.encode(uint8(3), subject));
        if (kind == Kind.SetCoordinator) return keccak256(abi.encode(uint8(4)));
        return keccak256(abi.encode(uint8(5), artifact));
    }

    function _requireOpen(uint256 id) private view {
        if (id >= proposals.length) revert UnknownProposal(id);
        Proposal storage p = proposals[id];
        if (p.status != Status.Open) revert ProposalNotOpen(id, p.status);
        if (block.timestamp > p.deadline) revert ProposalHasExpired(id, p.deadline);
    }

    function _isMajority(uint256 yes) private view returns (bool) {
        return yes * 2 > members.length();
    }

    function _vote(uint256 id, bool support) private {
        if (ballotOf(id, msg.sender) != Ballot.None) revert AlreadyVoted(id, msg.sender);
        ballots[id][msg.sender] = BallotRecord(support ? Ballot.Yes : Ballot.No, memberGeneration[msg.sender]);
        (uint256 yes, uint256 no) = tally(id);
        emit VoteCast(id, msg.sender, support, yes, no);
        if (_isMajority(yes)) {
            _execute(id);
        } else if (no * 2 >= members.length()) {
            _close(id, Status.Rejected);
            emit ProposalRejected(id, yes, no);
        }
    }

    /// Reverts with the reason a proposal of this kind on this subject cannot take effect now.
    function _checkApplicable(Kind kind, address subject, bytes32 artifact) private view {
        bytes memory reason = _inapplicability(kind, subject, artifact);
        if (reason.length > 0) {
            assembly ("memory-safe") {
                revert(add(reason, 32), mload(reason))
            }
        }
    }

    /// Why a proposal of this kind on this subject cannot take effect now (an encoded custom
    /// error), or empty when it can.
    function _inapplicability(Kind kind, address subject, bytes32 artifact) private view returns (bytes memory) {
        if (kind == Kind.AddValidator) {
            if (validators.contains(subject)) return abi.encodeWithSelector(AlreadyValidator.selector, subject);
        } else if (kind == Kind.RemoveValidator) {
            if (!validators.contains(subject)) return abi.encodeWithSelector(NotValidator.selector, subject);
            if (validators.length() == 1) return abi.encodeWithSelector(LastValidator.selector);
        } else if (kind == Kind.AddMember) {
            if (members.contains(subject)) return abi.encodeWithSelector(AlreadyMember.selector, subject);
        } else if (kind == Kind.RemoveMember) {
            if (!members.contains(subject)) return abi.encodeWithSelector(NotMember.selector, subject);
            if (members.length() == 1) return abi.encodeWithSelector(LastMember.selector);
        } else if (kind == Kind.SetCoordinator) {
            if (subject == coordinator) return abi.encodeWithSelector(AlreadyCoordinator.selector, subject);
            if (subject != address(0)) {
                (bool answered, ) = _admittedIn(subject, address(0));
                if (!answered) return abi.encodeWithSelector(NotACoordinator.selector, subject);
            }
        } else if (kind == Kind.ApproveRelease || kind == Kind.RevokeRelease) {
            if (artifact == bytes32(0)) return abi.encodeWithSelector(ZeroReleaseHash.selector);
            bool approved = approvedReleaseSet.contains(artifact);
            if (kind == Kind.ApproveRelease && approved) return abi.encodeWithSelector(ReleaseAlreadyApproved.selector, artifact);
            if (kind == Kind.RevokeRelease && !approved) return abi.encodeWithSelector(ReleaseNotApproved.selector, artifact);
        } else {
            // AdmitProsumer, RemoveProsumer
            if (coordinator == address(0)) return abi.encodeWithSelector(NoCoordinator.selector);
            (bool answered, bool admitted) = _admittedIn(coordinator, subject);
            if (!answered) return abi.encodeWithSelector(NotACoordinator.selector, coordinator);
            if (kind == Kind.AdmitProsumer && admitted) return abi.encodeWithSelector(ProsumerAlreadyAdmitted.selector, subject);
            if (kind == Kind.RemoveProsumer && !admitted) return abi.encodeWithSelector(ProsumerNotAdmitted.selector, subject);
        }
        return "";
    }

    function _execute(uint256 id) private {
        Proposal storage p = proposals[id];
        Kind kind = p.kind;
        address subject = p.subject;
        bytes32 artifact = proposalArtifacts[id];
        _checkApplicable(kind, subject, artifact);
        _close(id, Status.Executed);
        emit ProposalExecuted(id, kind, subject);
        if (kind == Kind.AddValidator) {
            _addValidator(subject, p.enode, p.label);
            validatorChanges.push(ValidatorChange(id, subject, true));
        } else if (kind == Kind.RemoveValidator) {
            _removeValidator(subject);
            validatorChanges.push(ValidatorChange(id, subject, false));
        } else if (kind == Kind.AddMember) {
            _addMember(subject, p.label);
        } else if (kind == Kind.RemoveMember) {
            _removeMember(subject);
        } else if (kind == Kind.AdmitProsumer) {
            IProsumerAdmission(coordinator).admitProsumer(subject);
            _requireAdmission(subject, true);
            emit ProsumerAdmitted(coordinator, subject);
        } else if (kind == Kind.RemoveProsumer) {
            IProsumerAdmission(coordinator).removeProsumer(subject);
            _requireAdmission(subject, false);
            emit ProsumerRemoved(coordinator, subject);
        } else if (kind == Kind.SetCoordinator) {
            emit CoordinatorChanged(coordinator, subject);
            coordinator = subject;
            if (subject != address(0)) _acceptAdmitterOf(subject);
        } else if (kind == Kind.ApproveRelease) {
            approvedReleaseSet.add(artifact);
            releaseDecisions[artifact] = ReleaseDecision(p.label, id, uint64(block.timestamp));
            emit ReleaseApproved(artifact, id, p.label);
        } else {
            approvedReleaseSet.remove(artifact);
            releaseDecisions[artifact] = ReleaseDecision(p.label, id, uint64(block.timestamp));
            emit ReleaseRevoked(artifact, id, p.label);
        }
    }

    /// The coordinator's `admitted(prosumer)`, read without trusting its return data: `answered`
    /// is false for an account without code, a revert, or anything but one ABI-encoded bool.
    function _admittedIn(address target, address prosumer) private view returns (bool answered, bool admitted) {
        if (target.code.length == 0) return (false, false);
        (bool ok, bytes memory data) = target.staticcall(abi.encodeCall(IProsumerAdmission.admitted, (prosumer)));
        if (!ok || data.length != 32) return (false, false);
        uint256 word = abi.decode(data, (uint256));
        if (word > 1) return (false, false);
        return (true, word == 1);
    }

    /// Accepts `target`'s admitter role if its `pendingAdmitter()` is this contract; false if there
    /// is no such offer (a coordinator without the two-step hand-over, or none made yet).
    function _acceptAdmitterOf(address target) private returns (bool) {
        (bool ok, bytes memory data) = target.staticcall(abi.encodeCall(IAdmitterHandover.pendingAdmitter, ()));
        if (!ok || data.length != 32 || abi.decode(data, (uint256)) != uint256(uint160(address(this)))) return false;
        IAdmitterHandover(target).acceptAdmitter();
        emit CoordinatorAdmitterAccepted(target);
        return true;
    }

    function _requireAdmission(address prosumer, bool expected) private view {
        (bool answered, bool admitted) = _admittedIn(coordinator, prosumer);
        if (!answered || admitted != expected) revert CoordinatorDidNotAct(coordinator, prosumer);
    }

    /// Refuses text longer than `max` bytes or holding a control character (C0, DEL, or C1 as
    /// UTF-8 0xC2 0x80-0x9F): such text would reach other members' terminals.
    function _checkText(string memory text, uint256 max) private pure {
        bytes memory b = bytes(text);
        if (b.length > max) revert TextTooLong(b.length, max);
        for (uint256 i = 0; i < b.length; i++) {
            uint8 c = uint8(b[i]);
            if (c < 0x20 || c == 0x7f) revert ControlCharacter(i);
            if (c == 0xc2 && i + 1 < b.length && uint8(b[i + 1]) >= 0x80 && uint8(b[i + 1]) <= 0x9f) revert ControlCharacter(i);
        }
    }

    function _addMember(address member, string memory name) private {
        if (member == address(0)) revert ZeroAddress();
        if (!members.add(member)) revert AlreadyMember(member);
        memberNames[member] = name;
        emit MemberAdded(member, name);
    }

    function _removeMember(address member) private {
        members.remove(member);
        delete memberNames[member];
        memberGeneration[member] += 1; // its ballots on open proposals no longer count, even if re-added
        emit MemberRemoved(member);
    }

    function _addValidator(address validator, string memory enode, string memory label) private {
        if (validator == address(0)) revert ZeroAddress();
        if (!validators.add(validator)) revert AlreadyValidator(validator);
        validatorInfos[validator] = ValidatorInfo(enode, label);
        emit ValidatorAdded(validator, enode, label);
    }

    function _removeValidator(address validator) private {
        validators.remove(validator);
        delete validatorInfos[validator];
        emit ValidatorRemoved(validator);
    }
}
