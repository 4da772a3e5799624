// SPDX-License-Identifier: MIT
// The coordinator of derchain's ADMM (paper section III-B, model note eqs. 16-17): admitted
// prosumers submit their bilateral trades each iteration; the contract updates the auxiliary
// trades pHat and the duals lambda in integer fixed point exactly as admm/coordinatorStep.ts
// specifies, checks the residuals and decides convergence. Design notes: contracts/README.md.
pragma solidity 0.8.30;

/// @title derchain coordinator (SCT)
/// @notice Fixed point: trades in 1e-6 kW (int32 in storage), lambda in 1e-6 currency/kWh
///         (int48 in storage), rho in 1e-6 currency/kWh per kW. Truncating division.
/// @dev Storage per unordered pair {i<j} and slot s, in "pair words" of three 80-bit lanes
///      (lambda int48 | hat int32 << 48) plus the 16-bit round id in the top bits, so a new
///      round sees zeros without clearing storage. The first of the two prosumers of a pair to
///      submit in an iteration leaves its T trades toward the other in "pending words" (eight
///      int32 lanes); the second one's transaction updates the pair. The full rows are only
///      emitted in events; the contract keeps keccak256 of each prosumer's last row, which
///      advance() checks when it reuses the row of a prosumer that missed the deadline.
contract DerCoordinator {
    // ---------------------------------------------------------------- constants and bounds
    int256 internal constant SCALE = 1e6;
    uint256 internal constant E12 = 1e12;
    uint256 internal constant BALANCE_MU_SQ = 100; // BALANCE_MU = 10
    uint256 public constant MAX_PARTICIPANTS = 64; // the submitted set is a 64-bit mask
    uint256 public constant MAX_HORIZON = 168; // one week of hourly slots
    /// @notice |trade| bound: int32 packing at 1e-6 kW is safe up to 2147 kW
    uint256 public constant MAX_ABS_TRADE = 2_147_000_000;
    /// @notice |lambda| bound of the int48 lane
    uint256 public constant MAX_ABS_LAMBDA = (1 << 47) - 1;
    /// @notice rho is held in 64 bits
    uint256 public constant MAX_RHO = type(uint64).max;
    /// @notice round ids are the 16-bit tags of the pair words
    uint256 public constant MAX_ROUNDS = type(uint16).max;
    uint256 public constant MAX_ITERATIONS = 1_000_000;
    uint256 public constant MAX_EPS_REL_PPM = 1_000_000;
    /// @notice gas bound of one transaction that takes in one row (a submit, or one row of an
    ///         advance chunk): TX_GAS_BASE + TX_GAS_PER_ENTRY * (N-1) * T. Measured worst case
    ///         (first iteration on fresh storage) is about 9,000-10,700 gas per entry plus ~80k.
    uint256 public constant TX_GAS_BASE = 150_000;
    uint256 public constant TX_GAS_PER_ENTRY = 10_000;

    uint8 internal constant STATUS_NONE = 0;
    uint8 internal constant STATUS_OPEN = 1;
    uint8 internal constant STATUS_CONVERGED = 2;
    uint8 internal constant STATUS_MAX_ITERATIONS = 3;
    uint8 internal constant STATUS_HALTED = 4; // the next iteration could overflow lambda or rho
    uint8 internal constant STATUS_CANCELLED = 5; // the operator cancelled the round

    uint256 internal constant MASK48 = (1 << 48) - 1;
    uint256 internal constant MASK32 = (1 << 32) - 1;
    uint256 internal constant MASK80 = (1 << 80) - 1;

    // ---------------------------------------------------------------- storage
    struct RoundParams {
        uint8 n;
        uint16 t;
        bool balanceRho;
        uint32 maxIterations;
        uint32 deadlineBlocks;
        uint32 maxAbsTrade;
        uint32 epsRelPpm;
        uint64 epsAbs;
        uint64 epsDual;
    }

    /// @dev one slot, read and written by every submission
    struct RoundState {
        uint32 iteration; // 1-based iteration being collected (last one when closed)
        uint64 submitted; // bit p: participant p has a row (own or reused) this iteration
        uint8 count; // number of bits set in `submitted`
        uint8 status;
        bool accumulated; // residual sums hold this iteration's partial sums
        uint64 deadlineBlock; // advance() allowed when block.number > deadlineBlock
        uint64 rho;
    }

    /// @dev partial residual sums of the iteration (bounds in contracts/README.md)
    struct Sums {
        uint128 primalSq;
        uint128 dualSq;
        uint128 tradeSq;
        uint128 hatSq;
        uint128 lambdaSq;
    }

    address public operator;
    /// @notice the account proposed as next operator; it takes over when it calls acceptOperator
    address public pendingOperator;
    address public admitter;
    uint256 public currentRound;
    mapping(address => bool) public admitted;
    mapping(uint256 => RoundParams) internal params;
    mapping(uint256 => RoundState) internal states;
    mapping(uint256 => Sums) internal sums;
    /// @dev worst-case |lambda| after the completed iterations of a round
    mapping(uint256 => uint256) internal lambdaBound;
    mapping(uint256 => address[]) internal participantList;
    mapping(uint256 => mapping(uint256 => bytes32)) public rowHash;
    mapping(uint256 => uint256) internal pairWords;
    mapping(uint256 => uint256) internal pendingWords;

    // ---------------------------------------------------------------- events
    event OperatorTransferred(address indexed previous, address indexed next);
    event OperatorTransferStarted(address indexed previous, address indexed next);
    event AdmitterTransferred(address indexed previous, address indexed next);
    event ProsumerAdmitted(address indexed prosumer);
    event ProsumerRemoved(address indexed prosumer);
    event RoundOpened(
        uint256 indexed round,
        address[] participants,
        uint256 horizon,
        uint256 rho,
        uint256 epsAbs,
        uint256 epsDual,
        uint256 epsRelPpm,
        bool balanceRho,
        uint256 maxIterations,
        uint256 deadlineBlocks,
        uint256 maxAbsTrade
    );
    /// @notice `row` is the prosumer's N-1 partner blocks of T big-endian int32 (1e-6 kW)
    event Submitted(uint256 indexed round, uint256 indexed iteration, uint256 indexed participant, bytes row);
    /// @notice the participant's last row (zeros if none) was used for this iteration
    event SubmissionReused(uint256 indexed round, uint256 indexed iteration, uint256 indexed participant);
    event IterationCompleted(
        uint256 indexed round,
        uint256 indexed iteration,
        uint256 primalSq,
        uint256 dualSq,
        uint256 tradeSq,
        uint256 hatSq,
        uint256 lambdaSq,
        uint256 rho,
        uint256 nextRho,
        bool converged
    );
    event RoundConverged(uint256 indexed round, uint256 iterations);
    /// @notice status 3: iteration cap reached; 4: halted because lambda or rho could overflow;
    ///         5: cancelled by the operator
    event RoundEnded(uint256 indexed round, uint256 iterations, uint8 status);
    /// @notice the operator cancelled an open round during `iteration` (a stuck round frees the
    ///         contract for the next one)
    event RoundCancelled(uint256 indexed round, uint256 iteration, address by);

    // ---------------------------------------------------------------- errors
    error NotOperator(address caller);
    error NotAdmitter(address caller);
    error ZeroAddress();
    error NotAdmitted(address account);
    error AlreadyAdmitted(address account);
    error NotParticipant(uint256 round, uint256 index, address caller);
    error WrongRound(uint256 given, uint256 current);
    error WrongIteration(uint256 given, uint256 current);
    error AlreadySubmitted(uint256 round, uint256 iteration, uint256 index);
    error ValueOutOfBounds(uint256 position, int256 value, uint256 bound);
    error WrongLength(uint256 given, uint256 expected);
    error RoundClosed(uint256 round);
    error RoundStillOpen(uint256 round);
    error DeadlineNotReached(uint256 blockNumber, uint256 deadlineBlock);
    error NotProposed(address caller);
    error BadParticipantCount(uint256 given, uint256 max);
    error DuplicateParticipant(address participant);
    error BadHorizon(uint256 given, uint256 max);
    error BadRho(uint256 given, uint256 max);
    error BadTolerance(uint256 epsAbs, uint256 epsDual);
    error BadEpsRel(uint256 given, uint256 max);
    error BadMaxIterations(uint256 given, uint256 max);
    error BadDeadlineBlocks(uint256 given);
    error BadMaxAbsTrade(uint256 given, uint256 max);
    /// @notice |lambda| could leave its int48 lane: growth per iteration `step`, over `iterations`
    error LambdaBoundExceeded(uint256 step, uint256 iterations);
    error RoundLimitReached(uint256 max);
    /// @notice one row's transaction could need `worstTxGas`, more than the block gas limit
    error RoundTooBigForBlock(uint256 worstTxGas, uint256 blockGasLimit);
    error ReusedRowMismatch(uint256 participant);

    // ---------------------------------------------------------------- roles and admission
    constructor() {
        operator = msg.sender;
        admitter = msg.sender;
        emit OperatorTransferred(address(0), msg.sender);
        emit AdmitterTransferred(address(0), msg.sender);
    }

    modifier onlyOperator() {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        _;
    }

    modifier onlyAdmitter() {
        if (msg.sender != admitter) revert NotAdmitter(msg.sender);
        _;
    }

    /// @notice propose `next` as operator (round opening and cancelling); it takes over when it
    ///         calls acceptOperator, so a typo cannot hand the role to an account nobody controls
    /// @param next the proposed operator (replaces an earlier proposal)
    function transferOperator(address next) external onlyOperator {
        if (next == address(0)) revert ZeroAddress();
        pendingOperator = next;
        emit OperatorTransferStarted(operator, next);
    }

    /// @notice the proposed operator takes the role
    function acceptOperator() external {
        if (msg.sender != pendingOperator) revert NotProposed(msg.sender);
        emit OperatorTransferred(operator, msg.sender);
        operator = msg.sender;
        pendingOperator = address(0);
    }

    /// @notice hand the admission role to another account (e.g. the governance contract)
    function transferAdmitter(address next) external onlyAdmitter {
        if (next == address(0)) revert ZeroAddress();
        emit AdmitterTransferred(admitter, next);
        admitter = next;
    }

    function admitProsumer(address prosumer) external onlyAdmitter {
        if (prosumer == address(0)) revert ZeroAddress();
        if (admitted[prosumer]) revert AlreadyAdmitted(prosumer);
        admitted[prosumer] = true;
        emit ProsumerAdmitted(prosumer);
    }

    /// @notice a removed prosumer can no longer submit; an open round reuses its last row
    function removeProsumer(address prosumer) external onlyAdmitter {
        if (!admitted[prosumer]) revert NotAdmitted(prosumer);
        admitted[prosumer] = false;
        emit ProsumerRemoved(prosumer);
    }

    // ---------------------------------------------------------------- rounds
    /// @notice open a round over `participants` (their order is the trade layout's order)
    /// @param rho initial rho (1e-6 currency/kWh per kW), >= 1
    /// @param epsAbs absolute primal tolerance per entry, 1e-6 kW
    /// @param epsDual absolute dual tolerance per entry, 1e-6 currency/kWh
    /// @param epsRelPpm relative tolerance, parts per million
    /// @param deadlineBlocks blocks after an iteration starts before advance() may fill in rows
    /// @param maxAbsTrade bound on every submitted |trade|, 1e-6 kW, <= MAX_ABS_TRADE
    function openRound(
        address[] calldata participants,
        uint256 horizon,
        uint256 rho,
        uint256 epsAbs,
        uint256 epsDual,
        uint256 epsRelPpm,
        bool balanceRho,
        uint256 maxIterations,
        uint256 deadlineBlocks,
        uint256 maxAbsTrade
    ) external onlyOperator returns (uint256 round) {
        uint256 previous = currentRound;
        if (previous != 0 && states[previous].status == STATUS_OPEN) revert RoundStillOpen(previous);
        uint256 n = participants.length;
        if (n < 2 || n > MAX_PARTICIPANTS) revert BadParticipantCount(n, MAX_PARTICIPANTS);
        if (horizon < 1 || horizon > MAX_HORIZON) revert BadHorizon(horizon, MAX_HORIZON);
        if (rho < 1 || rho > MAX_RHO) revert BadRho(rho, MAX_RHO);
        if (epsAbs > type(uint64).max || epsDual > type(uint64).max) revert BadTolerance(epsAbs, epsDual);
        if (epsRelPpm > MAX_EPS_REL_PPM) revert BadEpsRel(epsRelPpm, MAX_EPS_REL_PPM);
        if (maxIterations < 1 || maxIterations > MAX_ITERATIONS) revert BadMaxIterations(maxIterations, MAX_ITERATIONS);
        if (deadlineBlocks < 1 || deadlineBlocks > type(uint32).max) revert BadDeadlineBlocks(deadlineBlocks);
        if (maxAbsTrade < 1 || maxAbsTrade > MAX_ABS_TRADE) revert BadMaxAbsTrade(maxAbsTrade, MAX_ABS_TRADE);
        // |lambda| grows by at most floor(rho * maxAbsTrade / SCALE) per iteration (README).
        uint256 step = (rho * maxAbsTrade) / uint256(SCALE);
        if (step > MAX_ABS_LAMBDA) revert LambdaBoundExceeded(step, 1);
        if (!balanceRho && step * maxIterations > MAX_ABS_LAMBDA) revert LambdaBoundExceeded(step, maxIterations);
        // every transaction takes in at most one row per participant it carries; the largest,
        // one row, must fit a block, or the round could never complete
        uint256 worstTxGas = TX_GAS_BASE + TX_GAS_PER_ENTRY * (n - 1) * horizon;
        if (worstTxGas > block.gaslimit) revert RoundTooBigForBlock(worstTxGas, block.gaslimit);
        for (uint256 a = 0; a < n; a++) {
            address p = participants[a];
            if (!admitted[p]) revert NotAdmitted(p);
            for (uint256 b = 0; b < a; b++) {
                if (participants[b] == p) revert DuplicateParticipant(p);
            }
        }
        round = previous + 1;
        if (round > MAX_ROUNDS) revert RoundLimitReached(MAX_ROUNDS);
        currentRound = round;
        params[round] = RoundParams({
            n: uint8(n),
            t: uint16(horizon),
            balanceRho: balanceRho,
            maxIterations: uint32(maxIterations),
            deadlineBlocks: uint32(deadlineBlocks),
            maxAbsTrade: uint32(maxAbsTrade),
            epsRelPpm: uint32(epsRelPpm),
            epsAbs: uint64(epsAbs),
            epsDual: uint64(epsDual)
        });
        states[round] = RoundState({
            iteration: 1,
            submitted: 0,
            count: 0,
            status: STATUS_OPEN,
            accumulated: false,
            deadlineBlock: uint64(block.number + deadlineBlocks),
            rho: uint64(rho)
        });
        participantList[round] = participants;
        emit RoundOpened(
            round, participants, horizon, rho, epsAbs, epsDual, epsRelPpm, balanceRho, maxIterations, deadlineBlocks, maxAbsTrade
        );
    }

    /// @notice submit the caller's trades for `iteration` of `round`
    /// @param index the caller's position in the round's participant list
    /// @param row (N-1)*T big-endian int32, partners in participant order skipping the caller
    function submit(uint256 round, uint256 iteration, uint256 index, bytes calldata row) external {
        RoundState memory st = _openState(round, iteration);
        RoundParams memory rp = params[round];
        if (index >= rp.n || participantList[round][index] != msg.sender) revert NotParticipant(round, index, msg.sender);
        if (!admitted[msg.sender]) revert NotAdmitted(msg.sender);
        if ((st.submitted >> index) & 1 == 1) revert AlreadySubmitted(round, iteration, index);
        uint256 expected = 4 * (uint256(rp.n) - 1) * rp.t;
        if (row.length != expected) revert WrongLength(row.length, expected);
        rowHash[round][index] = keccak256(row);
        Sums memory acc;
        uint256 processed = _ingest(round, rp, st, index, row, true, acc);
        _storeSums(round, st, acc, processed);
        emit Submitted(round, iteration, index, row);
        _finishIngest(round, rp, st, index);
    }

    /// @notice after the iteration's deadline, anyone may complete it: each participant without
    ///         a row this iteration gets its last row of the round (zeros before its first).
    ///         Works in chunks: each call fills the first `reusedRows.length` missing participants,
    ///         so that no transaction needs more than a block's gas; the last chunk completes the
    ///         iteration.
    /// @param reusedRows for the first k >= 1 missing participants in ascending order: its last
    ///        submitted row (checked against the stored hash) or empty bytes if it has none
    function advance(uint256 round, uint256 iteration, bytes[] calldata reusedRows) external {
        RoundState memory st = _openState(round, iteration);
        if (block.number <= st.deadlineBlock) revert DeadlineNotReached(block.number, st.deadlineBlock);
        RoundParams memory rp = params[round];
        uint256 n = rp.n;
        uint256 missing = n - st.count;
        if (reusedRows.length == 0 || reusedRows.length > missing) revert WrongLength(reusedRows.length, missing);
        uint256 expected = 4 * (n - 1) * uint256(rp.t);
        Sums memory acc;
        uint256 processed;
        uint256 k;
        for (uint256 p = 0; p < n && k < reusedRows.length; p++) {
            if ((st.submitted >> p) & 1 == 1) continue;
            bytes calldata r = reusedRows[k++];
            bytes32 h = rowHash[round][p];
            bool hasRow = h != bytes32(0);
            if (hasRow ? (r.length != expected || keccak256(r) != h) : r.length != 0) revert ReusedRowMismatch(p);
            processed += _ingest(round, rp, st, p, r, hasRow, acc);
            emit SubmissionReused(round, iteration, p);
            st.submitted |= uint64(1 << p);
            st.count += 1;
        }
        _storeSums(round, st, acc, processed);
        // completes the iteration when every participant now has a row
        _finishIngest(round, rp, st, type(uint256).max);
    }

    /// @notice the operator ends an open round that cannot or should not complete (a dead
    ///         participant set, wrong parameters); the next round can then be opened
    /// @param round the current round
    function cancelRound(uint256 round) external onlyOperator {
        if (round == 0 || round != currentRound) revert WrongRound(round, currentRound);
        RoundState storage st = states[round];
        if (st.status != STATUS_OPEN) revert RoundClosed(round);
        st.status = STATUS_CANCELLED;
        emit RoundCancelled(round, st.iteration, msg.sender);
        emit RoundEnded(round, st.iteration, STATUS_CANCELLED);
    }

    // ---------------------------------------------------------------- readers
    /// @notice the prices and auxiliary trades participant `index` needs for its local problem
    /// @return lambdaRow (N-1)*T duals toward its partners, 1e-6 currency/kWh
    /// @return hatRow (N-1)*T auxiliary trades pHat, 1e-6 kW
    /// @return rho the rho of the iteration being collected
    /// @return iteration the iteration being collected (1-based)
    /// @return status 1 open, 2 converged, 3 iteration cap, 4 halted, 5 cancelled
    function getRow(uint256 round, uint256 index)
        external
        view
        returns (int64[] memory lambdaRow, int64[] memory hatRow, uint256 rho, uint256 iteration, uint8 status)
    {
        if (round == 0 || round != currentRound) revert WrongRound(round, currentRound);
        RoundParams memory rp = params[round];
        uint256 n = rp.n;
        uint256 t = rp.t;
        if (index >= n) revert NotParticipant(round, index, msg.sender);
        lambdaRow = new int64[]((n - 1) * t);
        hatRow = new int64[]((n - 1) * t);
        uint256 perPair = (t + 2) / 3;
        for (uint256 j = 0; j < n; j++) {
            if (j == index) continue;
            uint256 m = j < index ? j : j - 1;
            (uint256 lo, uint256 hi) = index < j ? (index, j) : (j, index);
            uint256 base = _pairIndex(n, lo, hi) * perPair;
            for (uint256 s = 0; s < t; s++) {
                uint256 word = pairWords[base + s / 3];
                if (word >> 240 != round) break; // untouched in this round: zeros
                uint256 lane = (word >> ((s % 3) * 80)) & MASK80;
                int256 lam = int256(int48(uint48(lane & MASK48)));
                int256 hat = int256(int32(uint32((lane >> 48) & MASK32)));
                lambdaRow[m * t + s] = int64(lam);
                hatRow[m * t + s] = int64(index < j ? hat : -hat);
            }
        }
        RoundState memory st = states[round];
        return (lambdaRow, hatRow, st.rho, st.iteration, st.status);
    }

    /// @notice the round's parameters
    function getRoundParams(uint256 round) external view returns (RoundParams memory) {
        return params[round];
    }

    /// @notice the round's state (iteration being collected, submitted mask, status, deadline, rho)
    function getRoundState(uint256 round) external view returns (RoundState memory) {
        return states[round];
    }

    function getParticipants(uint256 round) external view returns (address[] memory) {
        return participantList[round];
    }

    // ---------------------------------------------------------------- internals
    function _openState(uint256 round, uint256 iteration) internal view returns (RoundState memory st) {
        if (round == 0 || round != currentRound) revert WrongRound(round, currentRound);
        st = states[round];
        if (st.status != STATUS_OPEN) revert RoundClosed(round);
        if (iteration != st.iteration) revert WrongIteration(iteration, st.iteration);
    }

    function _pairIndex(uint256 n, uint256 lo, uint256 hi) internal pure returns (uint256) {
        // pairs (0,1)..(0,n-1), (1,2).. in order
        return lo * n - (lo * (lo + 1)) / 2 + (hi - lo - 1);
    }

    /// @dev what _ingest needs about the row being taken in
    struct Job {
        uint256 round;
        uint256 t;
        uint256 offset; // index of the current partner's block in the row
        int256 rho;
        int256 bound; // maxAbsTrade
        bool hasRow; // false: a row of zeros
        bool pIsLow; // the row is the lower-index side i of the pair (i<j)
    }

    /// @dev takes participant p's row for this iteration: for partners that already have a row,
    ///      updates the pair (16)-(17) and adds to `acc`; for the others, leaves p's trades in
    ///      the pending words. Returns the number of pairs updated.
    function _ingest(
        uint256 round,
        RoundParams memory rp,
        RoundState memory st,
        uint256 p,
        bytes calldata row,
        bool hasRow,
        Sums memory acc
    ) internal returns (uint256 processed) {
        uint256 n = rp.n;
        Job memory job = Job({
            round: round,
            t: rp.t,
            offset: 0,
            rho: int256(uint256(st.rho)),
            bound: int256(uint256(rp.maxAbsTrade)),
            hasRow: hasRow,
            pIsLow: false
        });
        uint256 pendingPerPair = (job.t + 7) / 8;
        uint256 wordsPerPair = (job.t + 2) / 3;
        for (uint256 j = 0; j < n; j++) {
            if (j == p) continue;
            job.offset = (j < p ? j : j - 1) * job.t;
            job.pIsLow = p < j;
            uint256 pair = job.pIsLow ? _pairIndex(n, p, j) : _pairIndex(n, j, p);
            if ((st.submitted >> j) & 1 == 0) {
                _storePending(job, pair * pendingPerPair, row);
            } else {
                (uint256 r, uint256 d, uint256 x, uint256 z, uint256 l) =
                    _updatePair(job, pair * wordsPerPair, pair * pendingPerPair, row);
                acc.primalSq += uint128(r);
                acc.dualSq += uint128(d);
                acc.tradeSq += uint128(x);
                acc.hatSq += uint128(z);
                acc.lambdaSq += uint128(l);
                processed++;
            }
        }
    }

    /// @dev writes p's trades toward one partner (T slots from row[job.offset]) as eight int32
    ///      lanes per pending word; reverts on a value outside the round's bound
    function _storePending(Job memory job, uint256 base, bytes calldata row) internal {
        uint256 pendingSlot;
        uint256 badPos = type(uint256).max;
        int256 badValue;
        assembly ("memory-safe") {
            pendingSlot := pendingWords.slot
            let t := mload(add(job, 0x20))
            let src := add(row.offset, mul(mload(add(job, 0x40)), 4))
            let bound := mload(add(job, 0x80))
            let hasRow := mload(add(job, 0xa0))
            let word := 0
            for { let s := 0 } lt(s, t) { s := add(s, 1) } {
                if hasRow {
                    let v := signextend(3, shr(224, calldataload(add(src, shl(2, s)))))
                    if or(sgt(v, bound), slt(v, sub(0, bound))) {
                        badPos := s
                        badValue := v
                        break
                    }
                    word := or(word, shl(shl(5, and(s, 7)), and(v, 0xffffffff)))
                }
                if or(eq(and(s, 7), 7), eq(add(s, 1), t)) {
                    mstore(0, add(base, shr(3, s)))
                    mstore(0x20, pendingSlot)
                    sstore(keccak256(0, 0x40), word)
                    word := 0
                }
            }
        }
        if (badPos != type(uint256).max) revert ValueOutOfBounds(job.offset + badPos, badValue, uint256(job.bound));
    }

    /// @dev the coordinator step (16)-(17) for one pair over all T slots, exactly as
    ///      admm/coordinatorStep.ts: h = trunc((e_ij - e_ji)/2), lambda -= trunc(rho (e_ij + e_ji)
    ///      / (2 SCALE)). The pending words hold the other side's trades. Returns the pair's
    ///      residual terms. No overflow: |e| <= maxAbsTrade < 2^31, |lambda| <= 2^47 (openRound
    ///      and the halting guard), rho < 2^64, so every product stays far below 2^255.
    function _updatePair(Job memory job, uint256 pairBase, uint256 pendingBase, bytes calldata row)
        internal
        returns (uint256 sumR, uint256 sumS, uint256 sumX, uint256 sumZ, uint256 sumL)
    {
        uint256 badPos = type(uint256).max;
        int256 badValue;
        assembly ("memory-safe") {
            let pairSlot := pairWords.slot
            let pendingSlot := pendingWords.slot
            let round := mload(job)
            let t := mload(add(job, 0x20))
            let src := add(row.offset, mul(mload(add(job, 0x40)), 4))
            let rho := mload(add(job, 0x60))
            let bound := mload(add(job, 0x80))
            let hasRow := mload(add(job, 0xa0))
            let low := mload(add(job, 0xc0))
            let pend := 0
            let word := 0
            let out := 0
            let l3 := 0
            let w3 := 0
            for { let s := 0 } lt(s, t) { s := add(s, 1) } {
                if iszero(and(s, 7)) {
                    mstore(0, add(pendingBase, shr(3, s)))
                    mstore(0x20, pendingSlot)
                    pend := sload(keccak256(0, 0x40))
                }
                if iszero(l3) {
                    mstore(0, add(pairBase, w3))
                    mstore(0x20, pairSlot)
                    word := sload(keccak256(0, 0x40))
                    if iszero(eq(shr(240, word), round)) { word := 0 } // earlier round: zeros
                    out := shl(240, round)
                }
                let own := 0
                if hasRow {
                    own := signextend(3, shr(224, calldataload(add(src, shl(2, s)))))
                    if or(sgt(own, bound), slt(own, sub(0, bound))) {
                        badPos := s
                        badValue := own
                        break
                    }
                }
                let other := signextend(3, shr(shl(5, and(s, 7)), pend))
                let eij := own
                let eji := other
                if iszero(low) {
                    eij := other
                    eji := own
                }
                let lane := shr(mul(l3, 80), word)
                let lam := signextend(5, lane)
                let dh := signextend(3, shr(48, lane)) // previous hat
                let h := sdiv(sub(eij, eji), 2)
                lam := sub(lam, sdiv(mul(rho, add(eij, eji)), 2000000))
                dh := sub(h, dh)
                let ri := sub(h, eij)
                let rj := sub(sub(0, h), eji)
                sumR := add(sumR, add(mul(ri, ri), mul(rj, rj)))
                sumS := add(sumS, shl(1, mul(dh, dh)))
                sumX := add(sumX, add(mul(eij, eij), mul(eji, eji)))
                sumZ := add(sumZ, shl(1, mul(h, h)))
                sumL := add(sumL, shl(1, mul(lam, lam)))
                out := or(out, shl(mul(l3, 80), or(and(lam, 0xffffffffffff), shl(48, and(h, 0xffffffff)))))
                l3 := add(l3, 1)
                if or(eq(l3, 3), eq(add(s, 1), t)) {
                    mstore(0, add(pairBase, w3))
                    mstore(0x20, pairSlot)
                    sstore(keccak256(0, 0x40), out)
                    l3 := 0
                    w3 := add(w3, 1)
                }
            }
        }
        if (badPos != type(uint256).max) revert ValueOutOfBounds(job.offset + badPos, badValue, uint256(job.bound));
    }

    function _storeSums(uint256 round, RoundState memory st, Sums memory acc, uint256 processed) internal {
        if (processed == 0) return;
        if (st.accumulated) {
            Sums storage total = sums[round];
            acc.primalSq += total.primalSq;
            acc.dualSq += total.dualSq;
            acc.tradeSq += total.tradeSq;
            acc.hatSq += total.hatSq;
            acc.lambdaSq += total.lambdaSq;
        }
        sums[round] = acc;
        st.accumulated = true;
    }

    /// @dev marks `p` submitted (unless max) and, when every participant has a row, completes
    ///      the iteration: residual checks, rho balancing, next iteration or end of round.
    function _finishIngest(uint256 round, RoundParams memory rp, RoundState memory st, uint256 p) internal {
        if (p != type(uint256).max) {
            st.submitted |= uint64(1 << p);
            st.count += 1;
        }
        if (st.count < rp.n) {
            states[round] = st;
            return;
        }
        Sums memory total = sums[round];
        uint256 count = uint256(rp.n) * (uint256(rp.n) - 1) * rp.t;
        uint256 rel2 = uint256(rp.epsRelPpm) * rp.epsRelPpm;
        uint256 rho = st.rho;
        uint256 xz = total.tradeSq > total.hatSq ? total.tradeSq : total.hatSq;
        bool primalOk = uint256(total.primalSq) * E12 <= count * rp.epsAbs * rp.epsAbs * E12 + rel2 * xz;
        uint256 rhoSqS = rho * rho * total.dualSq;
        bool dualOk = rhoSqS <= count * rp.epsDual * rp.epsDual * E12 + rel2 * total.lambdaSq;
        bool converged = st.iteration >= 2 && primalOk && dualOk;
        uint256 nextRho = rho;
        if (rp.balanceRho && !converged) {
            uint256 rScaled = uint256(total.primalSq) * E12;
            if (rScaled > BALANCE_MU_SQ * rhoSqS) nextRho = rho * 2;
            else if (rhoSqS > BALANCE_MU_SQ * rScaled) nextRho = rho / 2 > 0 ? rho / 2 : 1;
        }
        emit IterationCompleted(
            round,
            st.iteration,
            total.primalSq,
            total.dualSq,
            total.tradeSq,
            total.hatSq,
            total.lambdaSq,
            rho,
            nextRho,
            converged
        );
        uint256 bound = lambdaBound[round] + (rho * rp.maxAbsTrade) / uint256(SCALE);
        if (converged) {
            st.status = STATUS_CONVERGED;
            emit RoundConverged(round, st.iteration);
        } else if (st.iteration >= rp.maxIterations) {
            st.status = STATUS_MAX_ITERATIONS;
            emit RoundEnded(round, st.iteration, STATUS_MAX_ITERATIONS);
        } else if (nextRho > MAX_RHO || bound + (nextRho * rp.maxAbsTrade) / uint256(SCALE) > MAX_ABS_LAMBDA) {
            st.status = STATUS_HALTED;
            emit RoundEnded(round, st.iteration, STATUS_HALTED);
        } else {
            if (rp.balanceRho) lambdaBound[round] = bound; // static bound suffices otherwise
            st.iteration += 1;
            st.submitted = 0;
            st.count = 0;
            st.accumulated = false;
            st.deadlineBlock = uint64(block.number + rp.deadlineBlocks);
            st.rho = uint64(nextRho);
        }
        states[round] = st;
    }
}
