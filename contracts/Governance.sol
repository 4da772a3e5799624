// SPDX-License-Identifier: MIT
// Consortium governance for a derchain chain: the member organisations (one account each) decide
// by simple majority on proposals to add or remove a validator (signer address, enode, label), to
// add or remove a member, and to admit or remove prosumers in the coordinator contract (whose
// admitter role this contract holds; a proposal can point it at a new coordinator, which must then
// transfer its admitter role here). Proposals expire; every step emits an event.
// The validator set is exposed as `getValidators()`, the interface Besu's QBFT contract-based
// validator selection reads; on Clique the derchain validator bridge turns decided changes into
// `clique_propose` votes. Compiled for EVM "paris" (geth's Clique rejects Shanghai).
pragma solidity 0.8.30;

/// The admission side of the coordinator contract that this contract administers.
interface IProsumerAdmission {
    function admitProsumer(address prosumer) external;
    function removeProsumer(address prosumer) external;
}

contract Governance {
    enum Kind {
        AddValidator,
        RemoveValidator,
        AddMember,
        RemoveMember,
        AdmitProsumer,
        RemoveProsumer,
        SetCoordinator
    }

    /// Expired is reported by `proposalStatus` for an Open proposal past its deadline, and stored
    /// once someone calls `expire`.
    enum Status {
        None,
        Open,
        Executed,
        Rejected,
        Expired
    }

    enum Ballot {
        None,
        Yes,
        No
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

    // ---- state (the QBFT genesis generator writes these slots; keep the order) ----
    address[] private members;
    mapping(address => uint256) private memberPosition; // index + 1; 0 = not a member
    mapping(address => string) private memberNames;
    address[] private validators;
    mapping(address => uint256) private validatorPosition; // index + 1; 0 = not a validator
    mapping(address => ValidatorInfo) private validatorInfos;
    uint64 public votingPeriod; // seconds a proposal stays open
    address public coordinator; // the coordinator whose admission this contract owns (0 = none)
    Proposal[] private proposals;
    mapping(uint256 => mapping(address => Ballot)) private ballots;
    ValidatorChange[] private validatorChanges;

    // ---- events ----
    event ProposalCreated(
        uint256 indexed id,
        Kind kind,
        address indexed subject,
        address indexed proposer,
        uint64 deadline,
        string enode,
        string label
    );
    event VoteCast(uint256 indexed id, address indexed voter, bool support, uint256 yes, uint256 no);
    event ProposalExecuted(uint256 indexed id, Kind kind, address indexed subject);
    event ProposalRejected(uint256 indexed id, uint256 yes, uint256 no);
    event ProposalExpired(uint256 indexed id);
    event MemberAdded(address indexed member, string name);
    event MemberRemoved(address indexed member);
    event ValidatorAdded(address indexed validator, string enode, string label);
    event ValidatorRemoved(address indexed validator);
    event ProsumerAdmitted(address indexed coordinator, address indexed prosumer);
    event ProsumerRemoved(address indexed coordinator, address indexed prosumer);
    event CoordinatorChanged(address indexed previous, address indexed next);

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

    modifier onlyMember() {
        if (memberPosition[msg.sender] == 0) revert NotMember(msg.sender);
        _;
    }

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
        if (votingPeriodSeconds == 0) revert BadGenesis("voting period");
        for (uint256 i = 0; i < initialMembers.length; i++) _addMember(initialMembers[i], memberNameList[i]);
        for (uint256 i = 0; i < initialValidators.length; i++) {
            _addValidator(initialValidators[i], enodes[i], labels[i]);
        }
        votingPeriod = votingPeriodSeconds;
        coordinator = coordinatorContract;
    }

    // ---- proposals and votes ----

    /// Opens a proposal and counts the proposer's yes vote. Returns the proposal id.
    function propose(Kind kind, address subject, string calldata enode, string calldata label)
        external
        onlyMember
        returns (uint256 id)
    {
        if (subject == address(0)) revert ZeroAddress();
        _checkApplicable(kind, subject);
        id = proposals.length;
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
        emit ProposalCreated(id, kind, subject, msg.sender, deadline, enode, label);
        _vote(id, true);
    }

    /// A member's yes or no. The vote that makes a majority executes the proposal; the vote that
    /// makes a majority impossible rejects it.
    function vote(uint256 id, bool support) external onlyMember {
        _requireOpen(id);
        _vote(id, support);
    }

    /// Executes an open proposal whose yes votes are a majority of the current members (useful
    /// after a member removal lowered the majority). Anyone may call it.
    function execute(uint256 id) external {
        _requireOpen(id);
        (uint256 yes, ) = tally(id);
        if (!_isMajority(yes)) revert NoMajority(id, yes, majority());
        _execute(id);
    }

    /// Records that an open proposal passed its deadline. Anyone may call it.
    function expire(uint256 id) external {
        if (id >= proposals.length) revert UnknownProposal(id);
        Proposal storage p = proposals[id];
        if (p.status != Status.Open) revert ProposalNotOpen(id, p.status);
        if (block.timestamp <= p.deadline) revert ProposalNotExpired(id, p.deadline);
        p.status = Status.Expired;
        emit ProposalExpired(id);
    }

    // ---- views ----

    /// The validator set (Besu QBFT contract-based validator selection reads this).
    function getValidators() external view returns (address[] memory) {
        return validators;
    }

    function getMembers() external view returns (address[] memory) {
        return members;
    }

    function memberName(address member) external view returns (string memory) {
        return memberNames[member];
    }

    function isMember(address account) external view returns (bool) {
        return memberPosition[account] != 0;
    }

    function isValidator(address account) external view returns (bool) {
        return validatorPosition[account] != 0;
    }

    function validatorInfo(address validator) external view returns (string memory enode, string memory label) {
        ValidatorInfo storage v = validatorInfos[validator];
        return (v.enode, v.label);
    }

    /// Yes votes needed: a strict majority of the current members.
    function majority() public view returns (uint256) {
        return members.length / 2 + 1;
    }

    function proposalCount() external view returns (uint256) {
        return proposals.length;
    }

    /// The proposal with its effective status (Open past the deadline reads as Expired) and the
    /// yes/no votes of current members.
    function getProposal(uint256 id)
        external
        view
        returns (
            Kind kind,
            Status status,
            address subject,
            address proposer,
            uint64 createdAt,
            uint64 deadline,
            string memory enode,
            string memory label,
            uint256 yes,
            uint256 no
        )
    {
        if (id >= proposals.length) revert UnknownProposal(id);
        Proposal storage p = proposals[id];
        (yes, no) = tally(id);
        return (p.kind, proposalStatus(id), p.subject, p.proposer, p.createdAt, p.deadline, p.enode, p.label, yes, no);
    }

    function proposalStatus(uint256 id) public view returns (Status) {
        if (id >= proposals.length) revert UnknownProposal(id);
        Proposal storage p = proposals[id];
        if (p.status == Status.Open && block.timestamp > p.deadline) return Status.Expired;
        return p.status;
    }

    function ballotOf(uint256 id, address member) external view returns (Ballot) {
        return ballots[id][member];
    }

    /// Yes and no votes cast by the current members (a removed member's vote no longer counts).
    function tally(uint256 id) public view returns (uint256 yes, uint256 no) {
        for (uint256 i = 0; i < members.length; i++) {
            Ballot b = ballots[id][members[i]];
            if (b == Ballot.Yes) yes++;
            else if (b == Ballot.No) no++;
        }
    }

    function validatorChangeCount() external view returns (uint256) {
        return validatorChanges.length;
    }

    function validatorChangeAt(uint256 index) external view returns (uint256 proposalId, address validator, bool add) {
        ValidatorChange storage c = validatorChanges[index];
        return (c.proposalId, c.validator, c.add);
    }

    // ---- internals ----

    function _requireOpen(uint256 id) private view {
        if (id >= proposals.length) revert UnknownProposal(id);
        Proposal storage p = proposals[id];
        if (p.status != Status.Open) revert ProposalNotOpen(id, p.status);
        if (block.timestamp > p.deadline) revert ProposalHasExpired(id, p.deadline);
    }

    function _isMajority(uint256 yes) private view returns (bool) {
        return yes * 2 > members.length;
    }

    function _vote(uint256 id, bool support) private {
        if (ballots[id][msg.sender] != Ballot.None) revert AlreadyVoted(id, msg.sender);
        ballots[id][msg.sender] = support ? Ballot.Yes : Ballot.No;
        (uint256 yes, uint256 no) = tally(id);
        emit VoteCast(id, msg.sender, support, yes, no);
        if (_isMajority(yes)) {
            _execute(id);
        } else if (no * 2 >= members.length) {
            proposals[id].status = Status.Rejected;
            emit ProposalRejected(id, yes, no);
        }
    }

    function _checkApplicable(Kind kind, address subject) private view {
        if (kind == Kind.AddValidator) {
            if (validatorPosition[subject] != 0) revert AlreadyValidator(subject);
        } else if (kind == Kind.RemoveValidator) {
            if (validatorPosition[subject] == 0) revert NotValidator(subject);
            if (validators.length == 1) revert LastValidator();
        } else if (kind == Kind.AddMember) {
            if (memberPosition[subject] != 0) revert AlreadyMember(subject);
        } else if (kind == Kind.RemoveMember) {
            if (memberPosition[subject] == 0) revert NotMember(subject);
            if (members.length == 1) revert LastMember();
        } else if (kind != Kind.SetCoordinator && coordinator == address(0)) {
            revert NoCoordinator();
        }
    }

    function _execute(uint256 id) private {
        Proposal storage p = proposals[id];
        Kind kind = p.kind;
        address subject = p.subject;
        _checkApplicable(kind, subject);
        p.status = Status.Executed;
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
            emit ProsumerAdmitted(coordinator, subject);
        } else if (kind == Kind.RemoveProsumer) {
            IProsumerAdmission(coordinator).removeProsumer(subject);
            emit ProsumerRemoved(coordinator, subject);
        } else {
            emit CoordinatorChanged(coordinator, subject);
            coordinator = subject;
        }
    }

    function _addMember(address member, string memory name) private {
        if (member == address(0)) revert ZeroAddress();
        if (memberPosition[member] != 0) revert AlreadyMember(member);
        members.push(member);
        memberPosition[member] = members.length;
        memberNames[member] = name;
        emit MemberAdded(member, name);
    }

    function _removeMember(address member) private {
        uint256 position = memberPosition[member];
        uint256 last = members.length;
        if (position != last) {
            address moved = members[last - 1];
            members[position - 1] = moved;
            memberPosition[moved] = position;
        }
        members.pop();
        delete memberPosition[member];
        delete memberNames[member];
        emit MemberRemoved(member);
    }

    function _addValidator(address validator, string memory enode, string memory label) private {
        if (validator == address(0)) revert ZeroAddress();
        if (validatorPosition[validator] != 0) revert AlreadyValidator(validator);
        validators.push(validator);
        validatorPosition[validator] = validators.length;
        validatorInfos[validator] = ValidatorInfo(enode, label);
        emit ValidatorAdded(validator, enode, label);
    }

    function _removeValidator(address validator) private {
        uint256 position = validatorPosition[validator];
        uint256 last = validators.length;
        if (position != last) {
            address moved = validators[last - 1];
            validators[position - 1] = moved;
            validatorPosition[moved] = position;
        }
        validators.pop();
        delete validatorPosition[validator];
        delete validatorInfos[validator];
        emit ValidatorRemoved(validator);
    }
}
