// SPDX-License-Identifier: MIT
// The community (pool) market's coordinator (issue 10; Boyd et al., ADMM, section 7.3.2, the
// exchange problem): admitted prosumers send their net trade per slot as a signed int16 row; the
// contract keeps O(T) running totals and closes each iteration in O(T) whatever the number of
// prosumers, in the integers of admm/poolStep.ts. Design notes: contracts/README.md.
pragma solidity 0.8.30;

import {IPoolCoordinator} from "./IPoolCoordinator.sol";

/// @title derchain community-market coordinator
/// @notice Storage per round: the running totals of every participant's last row, the prices and
///         sbar (each T int64, four to a word); per participant one word (round, last iteration,
///         settled flag) and the keccak256 of its last row. No participant list, no cap on N.
contract PoolCoordinator is IPoolCoordinator {
    // ---------------------------------------------------------------- constants and bounds
    uint256 public constant MAX_HORIZON = 168;
    /// @notice totals are int32 lanes: |sum of N int16 rows| <= 32768 * 65535 < 2^31
    uint256 public constant MAX_PARTICIPANTS = 65_535;
    uint256 public constant MAX_RESOLUTION = 1_000_000; // 1 kW per step at most
    uint256 public constant MAX_ITERATIONS = 10_000;
    /// @notice rho bound (1e-6 currency/kWh per kW): one iteration moves a price by
    ///         |rho * alpha * totals * resolution| / (N * 1e12) < 2^30 * 2^21 * 2^15 * 2^20 / 2^40 = 2^46,
    ///         MAX_ITERATIONS iterations by < 2^60
    uint256 public constant MAX_RHO = 1e9;
    /// @notice |initial price| bound: with the growth above, prices stay inside int64
    int256 public constant MAX_ABS_INITIAL = int256(1) << 62;
    /// @notice gas of the costliest O(T) transaction (close or settle of one entry) per slot, and fixed part
    uint256 public constant WORST_GAS_PER_SLOT = 12_000;
    uint256 public constant WORST_GAS_FIXED = 400_000;

    bytes32 private constant ROW_TYPEHASH =
        keccak256("PoolRow(uint64 round,uint32 iteration,address participant,bytes row,bytes slice)");
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("derchain PoolCoordinator");
    bytes32 private constant VERSION_HASH = keccak256("1");
    /// @dev secp256k1n / 2: a larger s is the malleable twin of a valid signature
    uint256 private constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    // reasons of RowRejected (and of the matching custom error of submit / submitSigned)
    uint8 public constant REJECT_NOT_PARTICIPANT = 1;
    uint8 public constant REJECT_ALREADY_SUBMITTED = 2;
    uint8 public constant REJECT_WRONG_LENGTH = 3;
    uint8 public constant REJECT_PREV_ROW = 4;
    uint8 public constant REJECT_SIGNATURE = 5;
    uint8 public constant REJECT_NOT_ADMITTED = 6;

    // parameters of BadRoundParameter
    uint8 public constant PARAM_PARTICIPANTS = 1;
    uint8 public constant PARAM_HORIZON = 2;
    uint8 public constant PARAM_RESOLUTION = 3;
    uint8 public constant PARAM_RHO = 4;
    uint8 public constant PARAM_ALPHA = 5;
    uint8 public constant PARAM_MAX_ITERATIONS = 6;
    uint8 public constant PARAM_DEADLINE = 7;
    uint8 public constant PARAM_SLOT_SECONDS = 8;
    uint8 public constant PARAM_INITIAL = 9;
    uint8 public constant PARAM_MIN_ITERATIONS = 10;

    // word kinds of the packed int64 rows
    uint256 private constant KIND_TOTAL = 1;
    uint256 private constant KIND_PRICE = 2;
    uint256 private constant KIND_PREV_TOTAL = 3;
    /// @dev the admitted flag in an account's membership word
    uint256 private constant ADMITTED = 1 << 64;

    // ---------------------------------------------------------------- storage
    /// @dev the round's parameters (two slots)
    struct Round {
        uint32 n;
        uint16 t;
        uint32 resolution;
        uint64 rho;
        uint32 alphaPpm;
        uint32 minIterations;
        uint32 maxIterations;
        uint32 deadlineBlocks;
        uint32 slotSeconds;
        uint64 epsPrimal;
        uint64 epsDual;
    }

    /// @dev the round's progress (one slot, written by every submission)
    struct Progress {
        uint32 iteration; // 1-based iteration being collected (the last one once ended)
        uint32 count; // rows received this iteration
        Status status;
        uint64 deadlineBlock;
        uint32 settledCount;
        uint88 sumSqDelta; // sum over this iteration's rows of ||row - prevRow||^2 <= 65535 * 168 * 65535^2 < 2^57
    }

    address public operator;
    address public admitter;
    address public pendingOperator;
    address public pendingAdmitter;
    /// @inheritdoc IPoolCoordinator
    uint64 public currentRound;

    mapping(uint64 => Round) internal rounds;
    mapping(uint64 => Progress) internal progress;
    /// @dev settlement: running sum of the amounts recorded so far
    mapping(uint64 => int256) internal settledSum;
    /// @dev packed int64 rows, four lanes per word: key (round << 40 | kind << 32 | word)
    mapping(uint256 => uint256) internal words;
    /// @dev per account, one word: round (bits 192..255) | iteration of its last row in it, 0 before
    ///      the first (160..191) | index in the round (128..159) | admitted (bit 64) | last settled round (0..63)
    mapping(address => uint256) internal member;
    /// @notice keccak256 of the participant's last row in the round of its membership word
    mapping(address => bytes32) public lastRowHash;

    uint256 private immutable cachedChainId;
    bytes32 private immutable cachedDomainSeparator;

    constructor() {
        operator = msg.sender;
        admitter = msg.sender;
        cachedChainId = block.chainid;
        cachedDomainSeparator = _buildDomainSeparator();
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

    // ---------------------------------------------------------------- roles
    /// @inheritdoc IPoolCoordinator
    function proposeOperator(address next) external onlyOperator {
        if (next == address(0)) revert ZeroAddress();
        pendingOperator = next;
        emit OperatorProposed(operator, next);
    }

    /// @inheritdoc IPoolCoordinator
    function acceptOperator() external {
        if (msg.sender != pendingOperator) revert NotProposed(msg.sender);
        emit OperatorTransferred(operator, msg.sender);
        operator = msg.sender;
        pendingOperator = address(0);
    }

    /// @inheritdoc IPoolCoordinator
    function proposeAdmitter(address next) external onlyAdmitter {
        if (next == address(0)) revert ZeroAddress();
        pendingAdmitter = next;
        emit AdmitterProposed(admitter, next);
    }

    /// @inheritdoc IPoolCoordinator
    function acceptAdmitter() external {
        if (msg.sender != pendingAdmitter) revert NotProposed(msg.sender);
        emit AdmitterTransferred(admitter, msg.sender);
        admitter = msg.sender;
        pendingAdmitter = address(0);
    }

    /// @inheritdoc IPoolCoordinator
    function admitProsumer(address prosumer) external onlyAdmitter {
        if (prosumer == address(0)) revert ZeroAddress();
        uint256 m = member[prosumer];
        if (m & ADMITTED != 0) revert AlreadyAdmitted(prosumer);
        member[prosumer] = m | ADMITTED;
        emit ProsumerAdmitted(prosumer);
    }

    /// @inheritdoc IPoolCoordinator
    function removeProsumer(address prosumer) external onlyAdmitter {
        uint256 m = member[prosumer];
        if (m & ADMITTED == 0) revert NotAdmitted(prosumer);
        member[prosumer] = m & ~ADMITTED;
        emit ProsumerRemoved(prosumer);
    }

    // ---------------------------------------------------------------- rounds
    /// @inheritdoc IPoolCoordinator
    function openRound(RoundConfig calldata c) external onlyOperator returns (uint64 round) {
        uint64 previous = currentRound;
        if (previous != 0) {
            Status ps = progress[previous].status;
            if (ps == Status.Open || ps == Status.Enrolling) revert RoundStillOpen(previous);
        }
        _checkConfig(c);
        uint256 t = c.horizon;
        round = previous + 1;
        currentRound = round;
        rounds[round] = Round({
            n: 0,
            t: uint16(t),
            resolution: c.resolution,
            rho: c.rho,
            alphaPpm: c.alphaPpm,
            minIterations: c.minIterations,
            maxIterations: c.maxIterations,
            deadlineBlocks: c.deadlineBlocks,
            slotSeconds: c.slotSeconds,
            epsPrimal: c.epsPrimal,
            epsDual: c.epsDual
        });
        progress[round] =
            Progress({iteration: 1, count: 0, status: Status.Enrolling, deadlineBlock: 0, settledCount: 0, sumSqDelta: 0});
        uint256 nWords = (t + 3) / 4;
        for (uint256 w = 0; w < nWords; w++) {
            uint256 packed = _packFromBytes(c.initialPrices, w, t);
            if (packed != 0) words[_key(round, KIND_PRICE, w)] = packed;
        }
        emit RoundOpened(round, c);
    }

    function _checkConfig(RoundConfig calldata c) internal view {
        uint256 t = c.horizon;
        if (t < 1 || t > MAX_HORIZON) revert BadRoundParameter(PARAM_HORIZON);
        if (c.resolution < 1 || c.resolution > MAX_RESOLUTION) revert BadRoundParameter(PARAM_RESOLUTION);
        if (c.rho < 1 || c.rho > MAX_RHO) revert BadRoundParameter(PARAM_RHO);
        if (c.alphaPpm < 1_000_000 || c.alphaPpm >= 2_000_000) revert BadRoundParameter(PARAM_ALPHA);
        if (c.minIterations < 1) revert BadRoundParameter(PARAM_MIN_ITERATIONS);
        if (c.maxIterations < c.minIterations || c.maxIterations > MAX_ITERATIONS) {
            revert BadRoundParameter(PARAM_MAX_ITERATIONS);
        }
        if (c.deadlineBlocks < 1) revert BadRoundParameter(PARAM_DEADLINE);
        if (c.slotSeconds < 1) revert BadRoundParameter(PARAM_SLOT_SECONDS);
        if (c.initialPrices.length != 0 && c.initialPrices.length != 8 * t) revert BadRoundParameter(PARAM_INITIAL);
        uint256 worst = worstCaseGas(t);
        if (worst > block.gaslimit) revert RoundTooLargeForBlock(worst, block.gaslimit);
    }

    /// @notice gas of the costliest single O(T) transaction of a round of `horizon` slots (closing
    ///         an iteration, settling or submitting one row); a round whose worst case exceeds the
    ///         block gas limit is refused. Batches and enrolment chunks are sized by their sender.
    function worstCaseGas(uint256 horizon) public pure returns (uint256) {
        return WORST_GAS_FIXED + WORST_GAS_PER_SLOT * horizon;
    }

    /// @inheritdoc IPoolCoordinator
    function enroll(uint64 round, address[] calldata accounts) external onlyOperator {
        if (round != currentRound || progress[round].status != Status.Enrolling) revert RoundNotEnrolling(round);
        uint256 n = rounds[round].n;
        if (n + accounts.length > MAX_PARTICIPANTS) revert BadRoundParameter(PARAM_PARTICIPANTS);
        for (uint256 k = 0; k < accounts.length; k++) {
            address who = accounts[k];
            uint256 m = member[who];
            if (m & ADMITTED == 0) revert NotAdmitted(who);
            if (uint64(m >> 192) == round) revert AlreadyEnrolled(round, who);
            member[who] = (uint256(round) << 192) | (n << 128) | ADMITTED | uint64(m);
            emit ParticipantEnrolled(round, who, uint32(n));
            n++;
        }
        rounds[round].n = uint32(n);
    }

    /// @inheritdoc IPoolCoordinator
    function startRound(uint64 round) external onlyOperator {
        Progress storage p = progress[round];
        if (round != currentRound || p.status != Status.Enrolling) revert RoundNotEnrolling(round);
        Round storage rd = rounds[round];
        if (rd.n < 2) revert BadRoundParameter(PARAM_PARTICIPANTS);
        uint64 deadline = uint64(block.number + rd.deadlineBlocks);
        p.status = Status.Open;
        p.deadlineBlock = deadline;
        emit RoundStarted(round, rd.n, deadline);
    }

    /// @inheritdoc IPoolCoordinator
    function submit(uint64 round, uint32 iteration, bytes calldata row, bytes calldata slice, bytes calldata prevRow)
        external
    {
        (Round memory rd, Progress memory pg) = _open(round, iteration);
        uint8 reason = _accept(round, iteration, rd, pg, msg.sender, row, slice, prevRow);
        if (reason != 0) _revertFor(reason, round, iteration, msg.sender, rd.t, row.length);
        _after(round, rd, pg);
    }

    /// @inheritdoc IPoolCoordinator
    function submitSigned(uint64 round, uint32 iteration, SignedRow calldata r) external {
        (Round memory rd, Progress memory pg) = _open(round, iteration);
        uint8 reason = _acceptSigned(round, iteration, rd, pg, r);
        if (reason != 0) _revertFor(reason, round, iteration, r.participant, rd.t, r.row.length);
        _after(round, rd, pg);
    }

    /// @inheritdoc IPoolCoordinator
    function submitBatch(uint64 round, uint32 iteration, SignedRow[] calldata rows) external returns (uint256 accepted) {
        if (rows.length == 0) revert EmptyBatch();
        (Round memory rd, Progress memory pg) = _open(round, iteration);
        for (uint256 k = 0; k < rows.length; k++) {
            uint8 reason = _acceptSigned(round, iteration, rd, pg, rows[k]);
            if (reason != 0) emit RowRejected(round, iteration, rows[k].participant, reason);
            else accepted++;
        }
        _after(round, rd, pg);
    }

    /// @inheritdoc IPoolCoordinator
    function closeIteration(uint64 round, uint32 iteration) external {
        (Round memory rd, Progress memory pg) = _open(round, iteration);
        if (block.number <= pg.deadlineBlock) revert DeadlineNotReached(block.number, pg.deadlineBlock);
        _close(round, rd, pg);
    }

    /// @inheritdoc IPoolCoordinator
    function cancelRound(uint64 round) external onlyOperator {
        Progress storage p = progress[round];
        if (p.status != Status.Open && p.status != Status.Enrolling) revert RoundNotOpen(round);
        p.status = Status.Cancelled;
        emit RoundCancelled(round, p.iteration, msg.sender);
        emit RoundEnded(round, p.iteration, Status.Cancelled);
    }

    /// @inheritdoc IPoolCoordinator
    function settle(uint64 round, address[] calldata participants, bytes[] calldata lastRows) external {
        Progress storage p = progress[round];
        Status st = p.status;
        if (st == Status.None) revert NoRound(round);
        if (st != Status.Converged && st != Status.MaxIterations) revert RoundNotEnded(round);
        if (participants.length != lastRows.length) revert WrongLength(lastRows.length, participants.length);
        Round memory rd = rounds[round];
        int256[] memory prices = _loadRow(round, KIND_PRICE, rd.t, 64);
        int256[] memory totals = _loadRow(round, KIND_TOTAL, rd.t, 32);
        int256 sum = settledSum[round];
        for (uint256 k = 0; k < participants.length; k++) {
            sum += _settleOne(round, rd, prices, totals, participants[k], lastRows[k]);
        }
        settledSum[round] = sum;
        uint32 settled = p.settledCount + uint32(participants.length);
        p.settledCount = settled;
        if (settled == rd.n) emit SettlementCompleted(round, sum);
    }

    function _settleOne(
        uint64 round,
        Round memory rd,
        int256[] memory prices,
        int256[] memory totals,
        address who,
        bytes calldata row
    ) internal returns (int256 amount) {
        uint256 m = member[who];
        if (uint64(m >> 192) != round) revert NotParticipant(round, who);
        if (uint64(m) == round) revert AlreadySettled(round, who);
        uint256 len = 2 * uint256(rd.t);
        if (uint32(m >> 160) != 0) {
            if (row.length != len) revert WrongLength(row.length, len);
            if (keccak256(row) != lastRowHash[who]) revert PrevRowMismatch(who);
        } else if (row.length != 0) {
            revert WrongLength(row.length, 0);
        }
        uint32 index = uint32(m >> 128);
        amount = _settlementAmount(rd, prices, totals, index, row);
        member[who] = (m & ~uint256(type(uint64).max)) | round;
        emit Settled(round, who, index, amount);
    }

    // ---------------------------------------------------------------- views
    /// @inheritdoc IPoolCoordinator
    function domainSeparator() public view returns (bytes32) {
        return block.chainid == cachedChainId ? cachedDomainSeparator : _buildDomainSeparator();
    }

    /// @notice the EIP-712 digest a participant signs for a row
    function rowDigest(uint64 round, uint32 iteration, address participant, bytes calldata row, bytes calldata slice)
        external
        view
        returns (bytes32)
    {
        return _digest(round, iteration, participant, row, slice);
    }

    /// @notice whether `account` is admitted (may be enrolled and submit)
    function admitted(address account) external view returns (bool) {
        return member[account] & ADMITTED != 0;
    }

    /// @notice a round's parameters (n: participants enrolled)
    function getRound(uint64 round) external view returns (Round memory) {
        return rounds[round];
    }

    /// @notice a round's progress: iteration being collected, rows received, status, deadline block, settled count
    function getProgress(uint64 round) external view returns (Progress memory) {
        return progress[round];
    }

    /// @notice the current state of a round: prices (1e-6 currency/kWh) and running totals (row steps)
    function getClearing(uint64 round) external view returns (int256[] memory prices, int256[] memory totals) {
        uint16 t = rounds[round].t;
        prices = _loadRow(round, KIND_PRICE, t, 64);
        totals = _loadRow(round, KIND_TOTAL, t, 32);
    }

    /// @notice `participant`'s place in `round`: enrolled, its index, the iteration of its last row (0: none yet), settled
    function membership(uint64 round, address participant)
        external
        view
        returns (bool enrolled, uint32 index, uint32 lastIteration, bool settled)
    {
        uint256 m = member[participant];
        enrolled = uint64(m >> 192) == round;
        if (enrolled) {
            index = uint32(m >> 128);
            lastIteration = uint32(m >> 160);
        }
        settled = uint64(m) == round;
    }

    // ---------------------------------------------------------------- internals: intake
    function _open(uint64 round, uint32 iteration) internal view returns (Round memory rd, Progress memory pg) {
        pg = progress[round];
        if (pg.status != Status.Open) {
            uint64 cur = currentRound;
            if (round != cur) revert WrongRound(round, cur);
            revert RoundNotOpen(round);
        }
        if (iteration != pg.iteration) revert WrongIteration(iteration, pg.iteration);
        rd = rounds[round];
    }

    function _acceptSigned(uint64 round, uint32 iteration, Round memory rd, Progress memory pg, SignedRow calldata r)
        internal
        returns (uint8)
    {
        bytes32 digest = _digest(round, iteration, r.participant, r.row, r.slice);
        address signer = _recover(digest, r.signature);
        if (signer == address(0) || signer != r.participant) return REJECT_SIGNATURE;
        return _accept(round, iteration, rd, pg, r.participant, r.row, r.slice, r.prevRow);
    }

    /// @dev checks and books one row (admm/poolStep.ts accumulateSubmission); returns 0 or a
    ///      REJECT_ reason, in which case nothing was changed
    function _accept(
        uint64 round,
        uint32 iteration,
        Round memory rd,
        Progress memory pg,
        address who,
        bytes calldata row,
        bytes calldata slice,
        bytes calldata prevRow
    ) internal returns (uint8) {
        uint256 m = member[who];
        if (uint64(m >> 192) != round) return REJECT_NOT_PARTICIPANT;
        if (m & ADMITTED == 0) return REJECT_NOT_ADMITTED;
        uint32 last = uint32(m >> 160);
        if (last == iteration) return REJECT_ALREADY_SUBMITTED;
        uint256 t = rd.t;
        if (row.length != 2 * t || slice.length != 0) return REJECT_WRONG_LENGTH;
        bool hasPrev = last != 0;
        if (hasPrev) {
            if (prevRow.length != 2 * t || keccak256(prevRow) != lastRowHash[who]) return REJECT_PREV_ROW;
        } else if (prevRow.length != 0) {
            return REJECT_PREV_ROW;
        }
        // totals += row - prevRow (eight int32 lanes per word); sumSqDelta += ||row - prevRow||^2
        uint256 acc;
        uint256 base = _key(round, KIND_TOTAL, 0);
        assembly ("memory-safe") {
            let rowOff := row.offset
            let prevOff := prevRow.offset
            let nWords := div(add(t, 7), 8)
            for { let w := 0 } lt(w, nWords) { w := add(w, 1) } {
                mstore(0, or(base, w))
                mstore(32, words.slot)
                let slot := keccak256(0, 64)
                let word := sload(slot)
                let out := 0
                for { let j := 0 } lt(j, 8) { j := add(j, 1) } {
                    let s := add(mul(w, 8), j)
                    if iszero(lt(s, t)) { break }
                    let d := signextend(1, shr(240, calldataload(add(rowOff, mul(s, 2)))))
                    if hasPrev { d := sub(d, signextend(1, shr(240, calldataload(add(prevOff, mul(s, 2)))))) }
                    let lane := add(signextend(3, and(shr(mul(j, 32), word), 0xffffffff)), d)
                    acc := add(acc, mul(d, d))
                    out := or(out, shl(mul(j, 32), and(lane, 0xffffffff)))
                }
                sstore(slot, out)
            }
        }
        pg.sumSqDelta += uint88(acc);
        lastRowHash[who] = keccak256(row);
        member[who] = (m & ~(uint256(type(uint32).max) << 160)) | (uint256(iteration) << 160);
        pg.count += 1;
        emit RowSubmitted(round, iteration, who, row, slice, msg.sender);
        return 0;
    }

    function _after(uint64 round, Round memory rd, Progress memory pg) internal {
        if (pg.count >= rd.n) _close(round, rd, pg);
        else progress[round] = pg;
    }

    function _revertFor(uint8 reason, uint64 round, uint32 iteration, address who, uint256 t, uint256 given)
        internal
        pure
    {
        if (reason == REJECT_NOT_PARTICIPANT) revert NotParticipant(round, who);
        if (reason == REJECT_NOT_ADMITTED) revert NotAdmitted(who);
        if (reason == REJECT_ALREADY_SUBMITTED) revert AlreadySubmitted(round, iteration, who);
        if (reason == REJECT_WRONG_LENGTH) revert WrongLength(given, 2 * t);
        if (reason == REJECT_PREV_ROW) revert PrevRowMismatch(who);
        revert BadSignature(who);
    }

    // ---------------------------------------------------------------- internals: the step
    /// @dev closes the iteration in O(T): admm/poolStep.ts closeIteration, bit for bit
    function _close(uint64 round, Round memory rd, Progress memory pg) internal {
        uint256 t = rd.t;
        int256 n = int256(uint256(rd.n));
        int256 res = int256(uint256(rd.resolution));
        bytes memory pricesOut = new bytes(8 * t);
        bytes memory sbarOut = new bytes(8 * t);
        (uint256 maxAbs, uint256 dS2) = _closeSlots(round, t, n, res, int256(uint256(rd.rho)) * int256(uint256(rd.alphaPpm)), pricesOut, sbarOut);
        uint256 un = uint256(n);
        uint256 dualNum = un * pg.sumSqDelta - dS2;
        uint256 ures = uint256(res);
        bool primalOk = maxAbs * ures <= un * rd.epsPrimal;
        bool dualOk = uint256(rd.rho) * rd.rho * ures * ures * dualNum
            <= un * un * t * uint256(rd.epsDual) * rd.epsDual * 1e12;
        bool converged = pg.iteration >= rd.minIterations && primalOk && dualOk;
        Status st = converged ? Status.Converged : (pg.iteration >= rd.maxIterations ? Status.MaxIterations : Status.Open);
        emit IterationClosed(round, pg.iteration, pricesOut, sbarOut, maxAbs, dualNum, pg.count, st);
        Progress storage p = progress[round];
        p.sumSqDelta = 0;
        if (st != Status.Open) {
            p.status = st;
            p.count = pg.count;
            emit RoundEnded(round, pg.iteration, st);
        } else {
            p.iteration = pg.iteration + 1;
            p.count = 0;
            p.deadlineBlock = uint64(block.number + rd.deadlineBlocks);
        }
    }

    /// @dev per slot: q = totals * res; sbar = q / N; prices -= rho * alpha * q / (N * 1e12) (truncating);
    ///      maxAbs = max |totals|; dS2 = ||totals - prevTotals||^2; prevTotals := totals. Writes the new
    ///      prices to storage and both rows big-endian into pricesOut / sbarOut. All values are bounded
    ///      (see the constants) far inside int256, so the arithmetic is unchecked.
    function _closeSlots(
        uint64 round,
        uint256 t,
        int256 n,
        int256 res,
        int256 priceStep,
        bytes memory pricesOut,
        bytes memory sbarOut
    ) internal returns (uint256 maxAbs, uint256 dS2) {
        uint256 totBase = _key(round, KIND_TOTAL, 0);
        uint256 prevBase = _key(round, KIND_PREV_TOTAL, 0);
        uint256 priceBase = _key(round, KIND_PRICE, 0);
        int256 priceDen = n * 1e12;
        assembly ("memory-safe") {
            function slotOf(key, mslot) -> r {
                mstore(0, key)
                mstore(32, mslot)
                r := keccak256(0, 64)
            }
            function putBE(ptr, v) {
                mstore(ptr, or(shl(192, and(v, 0xffffffffffffffff)), and(mload(ptr), sub(shl(192, 1), 1))))
            }
            let mslot := words.slot
            let pOut := add(pricesOut, 32)
            let sOut := add(sbarOut, 32)
            let nWords := div(add(t, 7), 8)
            for { let w := 0 } lt(w, nWords) { w := add(w, 1) } {
                let totSlot := slotOf(or(totBase, w), mslot)
                let prevSlot := slotOf(or(prevBase, w), mslot)
                let totWord := sload(totSlot)
                let prevWord := sload(prevSlot)
                if iszero(eq(totWord, prevWord)) { sstore(prevSlot, totWord) }
                // two price words (four int64 lanes each) per totals word (eight int32 lanes)
                for { let h := 0 } lt(h, 2) { h := add(h, 1) } {
                    let first := add(mul(w, 8), mul(h, 4))
                    if lt(first, t) {
                        let priceSlot := slotOf(or(priceBase, add(mul(w, 2), h)), mslot)
                        let priceWord := sload(priceSlot)
                        let newWord := 0
                        for { let j := 0 } lt(j, 4) { j := add(j, 1) } {
                            let s := add(first, j)
                            if iszero(lt(s, t)) { break }
                            let lane32 := add(mul(h, 4), j)
                            let tot := signextend(3, and(shr(mul(lane32, 32), totWord), 0xffffffff))
                            let prv := signextend(3, and(shr(mul(lane32, 32), prevWord), 0xffffffff))
                            let q := mul(tot, res)
                            let sb := sdiv(q, n)
                            let price := sub(signextend(7, and(shr(mul(j, 64), priceWord), 0xffffffffffffffff)), sdiv(mul(priceStep, q), priceDen))
                            let a := tot
                            if slt(tot, 0) { a := sub(0, tot) }
                            if gt(a, maxAbs) { maxAbs := a }
                            let d := sub(tot, prv)
                            dS2 := add(dS2, mul(d, d))
                            newWord := or(newWord, shl(mul(j, 64), and(price, 0xffffffffffffffff)))
                            putBE(add(pOut, mul(s, 8)), price)
                            putBE(add(sOut, mul(s, 8)), sb)
                        }
                        if iszero(eq(newWord, priceWord)) { sstore(priceSlot, newWord) }
                    }
                }
            }
        }
    }

    /// @dev admm/poolStep.ts balancedTrade + settlementAmount: z = row * res - sbar - (index < |rem| ? sign(rem) : 0),
    ///      amount = sum_t prices[t] * z[t] (1e-12 currency per hour of slot); sums to zero over the round
    function _settlementAmount(
        Round memory rd,
        int256[] memory prices,
        int256[] memory totals,
        uint32 index,
        bytes calldata row
    ) internal pure returns (int256 amount) {
        int256 res = int256(uint256(rd.resolution));
        int256 n = int256(uint256(rd.n));
        bool has = row.length != 0;
        for (uint256 s = 0; s < rd.t; s++) {
            int256 q = totals[s] * res;
            int256 sb = q / n;
            int256 rem = q - n * sb;
            int256 adj;
            if (rem > 0 && int256(uint256(index)) < rem) adj = 1;
            else if (rem < 0 && int256(uint256(index)) < -rem) adj = -1;
            int256 z = (has ? _i16(row, s) * res : int256(0)) - sb - adj;
            amount += prices[s] * z;
        }
    }

    // ---------------------------------------------------------------- internals: EIP-712 and ECDSA
    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    function _digest(uint64 round, uint32 iteration, address participant, bytes calldata row, bytes calldata slice)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash =
            keccak256(abi.encode(ROW_TYPEHASH, round, iteration, participant, keccak256(row), keccak256(slice)));
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(), structHash));
    }

    /// @dev the signer of a 65-byte (r, s, v) signature, or address(0) for a malformed, malleable
    ///      (s > n/2) or invalid one (the precompile returns zero)
    function _recover(bytes32 digest, bytes calldata sig) internal pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := calldataload(sig.offset)
            s := calldataload(add(sig.offset, 32))
            v := byte(0, calldataload(add(sig.offset, 64)))
        }
        if (uint256(s) > HALF_N) return address(0);
        if (v != 27 && v != 28) return address(0);
        return ecrecover(digest, v, r, s);
    }

    // ---------------------------------------------------------------- internals: packed rows
    function _key(uint64 round, uint256 kind, uint256 w) private pure returns (uint256) {
        return (uint256(round) << 40) | (kind << 32) | w;
    }

    function _i16(bytes calldata b, uint256 k) private pure returns (int256 v) {
        assembly ("memory-safe") {
            v := signextend(1, shr(240, calldataload(add(b.offset, mul(k, 2)))))
        }
    }

    /// @dev a row of T signed `bits`-bit lanes (32 or 64), 256/bits to a word, lane j at bit j * bits
    function _loadRow(uint64 round, uint256 kind, uint256 t, uint256 bits) internal view returns (int256[] memory out) {
        out = new int256[](t);
        uint256 per = 256 / bits;
        uint256 nWords = (t + per - 1) / per;
        uint256 mask = (uint256(1) << bits) - 1;
        uint256 signByte = bits / 8 - 1;
        for (uint256 w = 0; w < nWords; w++) {
            uint256 word = words[_key(round, kind, w)];
            for (uint256 j = 0; j < per && w * per + j < t; j++) {
                uint256 lane = (word >> (bits * j)) & mask;
                int256 v;
                assembly ("memory-safe") {
                    v := signextend(signByte, lane)
                }
                out[w * per + j] = v;
            }
        }
    }

    function _packFromBytes(bytes calldata b, uint256 w, uint256 t) private pure returns (uint256 out) {
        if (b.length == 0) return 0;
        for (uint256 j = 0; j < 4 && w * 4 + j < t; j++) {
            uint256 v;
            uint256 off = (w * 4 + j) * 8;
            assembly ("memory-safe") {
                v := shr(192, calldataload(add(b.offset, off)))
            }
            int256 x = int256(int64(uint64(v)));
            if (x > MAX_ABS_INITIAL || x < -MAX_ABS_INITIAL) revert BadRoundParameter(PARAM_INITIAL);
            out |= v << (64 * j);
        }
    }
}
