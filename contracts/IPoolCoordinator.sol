// SPDX-License-Identifier: MIT
// The community (pool) market's coordinator, as seen by agents, relays (gateways), the operator,
// the admitter (e.g. contracts/Governance.sol) and auditors (`derchain verify`). Implemented by
// contracts/PoolCoordinator.sol; the arithmetic is admm/poolStep.ts's, bit for bit.
pragma solidity 0.8.30;

/// @title derchain community-market coordinator
/// @notice Each admitted prosumer sends, per iteration, its net trade per slot as T big-endian
///         int16 ("row", unit: the round's resolution in 1e-6 kW), signed as EIP-712 typed data
///         PoolRow(uint64 round,uint32 iteration,address participant,bytes row,bytes slice) in the
///         domain {name "derchain PoolCoordinator", version "1", chainId, this contract}. The
///         contract keeps O(T) running totals of every participant's last row and, per
///         participant, only the keccak256 of that row; a submission carries the previous row
///         (unsigned, checked against the hash) so the totals move by (row - prevRow).
interface IPoolCoordinator {
    /// @notice a relayed row: the prosumer's signature over (round, iteration, participant, row, slice)
    struct SignedRow {
        address participant;
        bytes row;
        bytes slice;
        bytes prevRow;
        bytes signature;
    }

    /// @notice the parameters of a round (contract units, admm/poolStep.ts)
    struct RoundConfig {
        /// @dev slots T
        uint16 horizon;
        /// @dev 1e-6 kW per int16 step of a row
        uint32 resolution;
        /// @dev penalty rho, 1e-6 currency/kWh per kW
        uint64 rho;
        /// @dev over-relaxation alpha, parts per million, [1e6, 2e6)
        uint32 alphaPpm;
        /// @dev bound on the per-household average imbalance of every slot, 1e-6 kW
        uint64 epsPrimal;
        /// @dev bound on the dual residual per entry (RMS), 1e-6 currency/kWh
        uint64 epsDual;
        /// @dev the stop may fire from this iteration on (>= 1)
        uint32 minIterations;
        /// @dev iterations before the round ends unconverged
        uint32 maxIterations;
        /// @dev blocks an iteration collects rows before anyone may close it
        uint32 deadlineBlocks;
        /// @dev slot length in seconds (for reading settlement amounts; not used by the arithmetic)
        uint32 slotSeconds;
        /// @dev starting prices (warm start), T packed big-endian int64, 1e-6 currency/kWh; empty: zeros
        bytes initialPrices;
    }

    /// @notice round status
    enum Status {
        None,
        Enrolling,
        Open,
        Converged,
        MaxIterations,
        Cancelled
    }

    // ------------------------------------------------------------------ events
    event OperatorProposed(address indexed current, address indexed proposed);
    event OperatorTransferred(address indexed previous, address indexed next);
    event AdmitterProposed(address indexed current, address indexed proposed);
    event AdmitterTransferred(address indexed previous, address indexed next);
    event ProsumerAdmitted(address indexed prosumer);
    event ProsumerRemoved(address indexed prosumer);
    /// @notice a round was opened (status Enrolling) with these parameters
    event RoundOpened(uint64 indexed round, RoundConfig config);
    /// @notice `participant` takes part in `round` as participant number `index` (0-based, enrolment order)
    event ParticipantEnrolled(uint64 indexed round, address indexed participant, uint32 index);
    /// @notice enrolment closed: the round collects rows of iteration 1 from its `participants` participants
    event RoundStarted(uint64 indexed round, uint32 participants, uint64 deadlineBlock);
    /// @notice a row accepted for (round, iteration); `relayer` is msg.sender (the prosumer itself for submit)
    event RowSubmitted(
        uint64 indexed round, uint32 indexed iteration, address indexed participant, bytes row, bytes slice, address relayer
    );
    /// @notice a batch entry that was not accepted (the rest of the batch was); reason: REJECT_* constants
    event RowRejected(uint64 indexed round, uint32 indexed iteration, address indexed participant, uint8 reason);
    /// @notice the clearing of an iteration: the downlink every meter needs
    /// @param prices after the iteration, T packed big-endian int64, 1e-6 currency/kWh
    /// @param sbar mean net trade, T packed big-endian int64, 1e-6 kW
    /// @param maxAbs largest |community net trade| of a slot before balancing, row steps
    /// @param dualNum N * sum ||row - prevRow||^2 - ||totals - prevTotals||^2 (row steps^2)
    /// @param submitted rows received this iteration (the others carried their last row over)
    /// @param status Open (running), Converged or MaxIterations
    event IterationClosed(
        uint64 indexed round,
        uint32 indexed iteration,
        bytes prices,
        bytes sbar,
        uint256 maxAbs,
        uint256 dualNum,
        uint32 submitted,
        Status status
    );
    /// @notice the round ended (status Converged, MaxIterations or Cancelled) after `iterations`
    event RoundEnded(uint64 indexed round, uint32 iterations, Status status);
    /// @notice the operator ended a round that can no longer converge
    event RoundCancelled(uint64 indexed round, uint32 iteration, address by);
    /// @notice sum_t price[t] * z[t] of `participant`'s balanced trades z (1e-12 currency per hour of slot; > 0: owed to it)
    event Settled(uint64 indexed round, address indexed participant, uint32 index, int256 amount);
    /// @notice every participant settled; `total` is the sum of all amounts (zero by construction)
    event SettlementCompleted(uint64 indexed round, int256 total);

    // ------------------------------------------------------------------ errors
    error NotOperator(address caller);
    error NotAdmitter(address caller);
    error NotProposed(address caller);
    error ZeroAddress();
    error NotAdmitted(address account);
    error AlreadyAdmitted(address account);
    error NoRound(uint64 round);
    error RoundStillOpen(uint64 round);
    error RoundNotOpen(uint64 round);
    error RoundNotEnrolling(uint64 round);
    error RoundNotEnded(uint64 round);
    error WrongRound(uint64 given, uint64 current);
    error WrongIteration(uint32 given, uint32 current);
    error NotParticipant(uint64 round, address account);
    error AlreadyEnrolled(uint64 round, address account);
    error AlreadySubmitted(uint64 round, uint32 iteration, address participant);
    error WrongLength(uint256 given, uint256 expected);
    error PrevRowMismatch(address participant);
    error BadSignature(address participant);
    error DeadlineNotReached(uint256 blockNumber, uint256 deadlineBlock);
    error BadRoundParameter(uint8 which);
    error RoundTooLargeForBlock(uint256 worstCaseGas, uint256 blockGasLimit);
    error AlreadySettled(uint64 round, address participant);
    error EmptyBatch();

    // ------------------------------------------------------------------ roles and admission
    /// @notice propose `next` as operator; it takes over when it calls acceptOperator
    function proposeOperator(address next) external;
    /// @notice the proposed operator accepts the role
    function acceptOperator() external;
    /// @notice propose `next` as admitter; it takes over when it calls acceptAdmitter
    function proposeAdmitter(address next) external;
    /// @notice the proposed admitter accepts the role
    function acceptAdmitter() external;
    /// @notice admit a prosumer (it can then be enrolled in rounds)
    function admitProsumer(address prosumer) external;
    /// @notice remove a prosumer: it can no longer submit; an open round carries its last row over
    function removeProsumer(address prosumer) external;

    // ------------------------------------------------------------------ rounds
    /// @notice open a round (status Enrolling); enrol its participants with enroll, then startRound
    function openRound(RoundConfig calldata config) external returns (uint64 round);
    /// @notice enrol admitted prosumers in the enrolling round (in chunks that fit a block)
    function enroll(uint64 round, address[] calldata accounts) external;
    /// @notice close enrolment; iteration 1 starts collecting rows
    function startRound(uint64 round) external;
    /// @notice the caller's own row for (round, iteration)
    function submit(uint64 round, uint32 iteration, bytes calldata row, bytes calldata slice, bytes calldata prevRow) external;
    /// @notice one relayed row, signed by its participant
    function submitSigned(uint64 round, uint32 iteration, SignedRow calldata r) external;
    /// @notice many relayed rows; a bad entry is skipped with RowRejected, the good ones are accepted
    /// @return accepted the number of rows accepted
    function submitBatch(uint64 round, uint32 iteration, SignedRow[] calldata rows) external returns (uint256 accepted);
    /// @notice after the deadline anyone closes the iteration; missing participants carry their last row over
    function closeIteration(uint64 round, uint32 iteration) external;
    /// @notice the operator ends a round that can no longer converge
    function cancelRound(uint64 round) external;
    /// @notice record what each listed participant owes or is owed at the round's final prices (chunks of any size)
    /// @param lastRows each participant's last submitted row in the round (empty if none), checked against its hash
    function settle(uint64 round, address[] calldata participants, bytes[] calldata lastRows) external;

    // ------------------------------------------------------------------ views
    /// @notice EIP-712 domain separator of this contract on this chain
    function domainSeparator() external view returns (bytes32);
    /// @notice the latest round id (0: none)
    function currentRound() external view returns (uint64);
}
