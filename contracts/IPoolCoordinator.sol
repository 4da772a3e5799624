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

    /// @notice the parameters of a round (contract units)
    struct RoundConfig {
        /// @dev slots T
        uint16 horizon;
        /// @dev 1e-6 kW per int16 step of a row
        uint32 resolution;
        /// @dev penalty rho, 1e-6 currency/kWh per kW
        uint64 rho;
        /// @dev over-relaxation alpha, parts per million (1e6: none)
        uint32 alphaPpm;
        /// @dev primal tolerance on the community imbalance, RMS per slot, 1e-6 kW
        uint64 epsPrimal;
        /// @dev dual tolerance, RMS per prosumer-slot, 1e-6 kW (of the balanced-trade change)
        uint64 epsDual;
        /// @dev iterations before the round ends unconverged
        uint32 maxIterations;
        /// @dev blocks an iteration collects rows before anyone may close it
        uint32 deadlineBlocks;
        /// @dev slot length in seconds (settlement: price * energy)
        uint32 slotSeconds;
        /// @dev starting prices (warm start), T packed big-endian int64, 1e-6 currency/kWh; empty: zeros
        bytes initialPrices;
        /// @dev starting sbar (warm start), T packed big-endian int64, 1e-6 kW; empty: zeros
        bytes initialSbar;
    }

    /// @notice round status
    enum Status {
        None,
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
    /// @notice `prosumer` may take part in rounds from `fromRound` on
    event ProsumerAdmitted(address indexed prosumer, uint64 fromRound);
    event ProsumerRemoved(address indexed prosumer);
    /// @notice a round opened over the `participants` admitted prosumers
    event RoundOpened(
        uint64 indexed round,
        uint32 participants,
        uint16 horizon,
        uint32 resolution,
        uint64 rho,
        uint32 alphaPpm,
        uint64 epsPrimal,
        uint64 epsDual,
        uint32 maxIterations,
        uint32 deadlineBlocks,
        uint32 slotSeconds,
        bytes initialPrices,
        bytes initialSbar
    );
    /// @notice a row accepted for (round, iteration); `relayer` is msg.sender (the prosumer itself for submit)
    event RowSubmitted(
        uint64 indexed round, uint32 indexed iteration, address indexed participant, bytes row, bytes slice, address relayer
    );
    /// @notice a batch entry that was not accepted (the rest of the batch was)
    event RowRejected(uint64 indexed round, uint32 indexed iteration, address indexed participant, uint8 reason);
    /// @notice the clearing of an iteration: the downlink every meter needs
    /// @param prices lambda after the iteration, T packed big-endian int64, 1e-6 currency/kWh
    /// @param sbar mean net trade, T packed big-endian int64, 1e-6 kW
    /// @param submitted rows received this iteration (the others carried their last row over)
    event IterationClosed(
        uint64 indexed round,
        uint32 indexed iteration,
        bytes prices,
        bytes sbar,
        uint256 primalSq,
        uint256 dualSq,
        uint32 submitted,
        bool converged
    );
    /// @notice the round ended (status Converged, MaxIterations or Cancelled) after `iterations`
    event RoundEnded(uint64 indexed round, uint32 iterations, Status status);
    /// @notice the operator ended a round that can no longer converge
    event RoundCancelled(uint64 indexed round, uint32 iteration, address by);
    /// @notice what `participant` owes (negative) or is owed (positive) for its balanced trades, 1e-6 currency
    event Settled(uint64 indexed round, address indexed participant, int256 amount);
    /// @notice all participants settled; `remainder` (1e-6 currency) is the rounding booked to the community account
    event SettlementCompleted(uint64 indexed round, int256 remainder);

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
    error RoundNotEnded(uint64 round);
    error WrongRound(uint64 given, uint64 current);
    error WrongIteration(uint32 given, uint32 current);
    error NotParticipant(uint64 round, address account);
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
    /// @notice admit a prosumer (from the next round that opens)
    function admitProsumer(address prosumer) external;
    /// @notice remove a prosumer: it can no longer submit; an open round carries its last row over
    function removeProsumer(address prosumer) external;

    // ------------------------------------------------------------------ rounds
    /// @notice open a round over every prosumer admitted now
    function openRound(RoundConfig calldata config) external returns (uint64 round);
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
    /// @notice record what each listed participant owes or is owed at the round's clearing prices
    /// @param lastRows each participant's last submitted row in the round (empty if none), checked against its hash
    function settle(uint64 round, address[] calldata participants, bytes[] calldata lastRows) external;

    // ------------------------------------------------------------------ views
    /// @notice EIP-712 domain separator of this contract on this chain
    function domainSeparator() external view returns (bytes32);
    /// @notice the latest round id (0: none)
    function currentRound() external view returns (uint64);
}
