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
    uint256 public constant MAX_PARTICIPANTS = 1_000_000;
    uint256 public constant MAX_RESOLUTION = 1_000_000; // 1 kW per step at most
    uint256 public constant MAX_ITERATIONS = 10_000;
    /// @notice rho bound (1e-6 currency/kWh per kW): with |sbar| <= 32768 * MAX_RESOLUTION and
    ///         alpha <= 2, one iteration moves a price by < 6.6e13, MAX_ITERATIONS by < 6.6e17
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

    // word kinds of the packed int64 rows
    uint256 private constant KIND_TOTAL = 1;
    uint256 private constant KIND_PRICE = 2;
    uint256 private constant KIND_SBAR = 3;

    // ---------------------------------------------------------------- storage
    /// @dev the round's parameters (two slots)
    struct Round {
        uint32 n;
        uint16 t;
        uint32 resolution;
        uint64 rho;
        uint32 alphaPpm;
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
    }

    address public operator;
    address public admitter;
    address public pendingOperator;
    address public pendingAdmitter;
    /// @inheritdoc IPoolCoordinator
    uint64 public currentRound;
    /// @notice number of prosumers admitted now (the N of the next round)
    uint32 public admittedCount;
    /// @notice the first round a prosumer may take part in (0: not admitted)
    mapping(address => uint64) public admittedFrom;

    mapping(uint64 => Round) internal rounds;
    mapping(uint64 => Progress) internal progress;
    /// @dev sum over this iteration's submissions of ||row - prevRow||^2 (steps^2)
    mapping(uint64 => uint256) internal dualAccs;
    /// @dev settlement: running sum of the amounts recorded so far
    mapping(uint64 => int256) internal settledSum;
    /// @dev packed int64 rows: key (round << 40 | kind << 32 | word)
    mapping(uint256 => uint256) internal words;
    /// @dev per participant: round (64) | iteration of its last row (32) | settled round (64)
    mapping(address => uint256) internal lastSubmit;
    /// @dev keccak256 of the participant's last row in the round of lastSubmit
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
        if (admittedFrom[prosumer] != 0) revert AlreadyAdmitted(prosumer);
        uint64 from = currentRound + 1;
        admittedFrom[prosumer] = from;
        admittedCount += 1;
        emit ProsumerAdmitted(prosumer, from);
    }

    /// @inheritdoc IPoolCoordinator
    function removeProsumer(address prosumer) external onlyAdmitter {
        if (admittedFrom[prosumer] == 0) revert NotAdmitted(prosumer);
        admittedFrom[prosumer] = 0;
        admittedCount -= 1;
        emit ProsumerRemoved(prosumer);
    }

    // ---------------------------------------------------------------- rounds
    /// @inheritdoc IPoolCoordinator
    function openRound(RoundConfig calldata c) external onlyOperator returns (uint64 round) {
        uint64 previous = currentRound;
        if (previous != 0 && progress[previous].status == Status.Open) revert RoundStillOpen(previous);
        uint256 n = admittedCount;
        if (n < 2 || n > MAX_PARTICIPANTS) revert BadRoundParameter(PARAM_PARTICIPANTS);
        uint256 t = c.horizon;
        if (t < 1 || t > MAX_HORIZON) revert BadRoundParameter(PARAM_HORIZON);
        if (c.resolution < 1 || c.resolution > MAX_RESOLUTION) revert BadRoundParameter(PARAM_RESOLUTION);
        if (c.rho < 1 || c.rho > MAX_RHO) revert BadRoundParameter(PARAM_RHO);
        if (c.alphaPpm < 1 || c.alphaPpm > 2_000_000) revert BadRoundParameter(PARAM_ALPHA);
        if (c.maxIterations < 1 || c.maxIterations > MAX_ITERATIONS) revert BadRoundParameter(PARAM_MAX_ITERATIONS);
        if (c.deadlineBlocks < 1) revert BadRoundParameter(PARAM_DEADLINE);
        if (c.slotSeconds < 1) revert BadRoundParameter(PARAM_SLOT_SECONDS);
        if (c.initialPrices.length != 0 && c.initialPrices.length != 8 * t) revert BadRoundParameter(PARAM_INITIAL);
        if (c.initialSbar.length != 0 && c.initialSbar.length != 8 * t) revert BadRoundParameter(PARAM_INITIAL);
        uint256 worst = worstCaseGas(t);
        if (worst > block.gaslimit) revert RoundTooLargeForBlock(worst, block.gaslimit);
        round = previous + 1;
        currentRound = round;
        rounds[round] = Round({
            n: uint32(n),
            t: uint16(t),
            resolution: c.resolution,
            rho: c.rho,
            alphaPpm: c.alphaPpm,
            maxIterations: c.maxIterations,
            deadlineBlocks: c.deadlineBlocks,
            slotSeconds: c.slotSeconds,
            epsPrimal: c.epsPrimal,
            epsDual: c.epsDual
        });
        progress[round] = Progress({
            iteration: 1,
            count: 0,
            status: Status.Open,
            deadlineBlock: uint64(block.number + c.deadlineBlocks),
            settledCount: 0
        });
        uint256 nWords = (t + 3) / 4;
        for (uint256 w = 0; w < nWords; w++) {
            words[_key(round, KIND_PRICE, w)] = _packFromBytes(c.initialPrices, w, t);
            words[_key(round, KIND_SBAR, w)] = _packFromBytes(c.initialSbar, w, t);
        }
        emit RoundOpened(
            round,
            uint32(n),
            uint16(t),
            c.resolution,
            c.rho,
            c.alphaPpm,
            c.epsPrimal,
            c.epsDual,
            c.maxIterations,
            c.deadlineBlocks,
            c.slotSeconds,
            c.initialPrices,
            c.initialSbar
        );
    }

    /// @notice gas of the costliest single transaction a round of `horizon` slots needs (close, settle one entry, submit one row)
    function worstCaseGas(uint256 horizon) public pure returns (uint256) {
        return WORST_GAS_FIXED + WORST_GAS_PER_SLOT * horizon;
    }

    /// @inheritdoc IPoolCoordinator
    function submit(uint64 round, uint32 iteration, bytes calldata row, bytes calldata slice, bytes calldata prevRow)
        external
    {
        (Round memory rd, Progress memory pg) = _open(round, iteration);
        uint8 reason = _accept(round, iteration, rd, pg, msg.sender, row, slice, prevRow);
        if (reason != 0) _revertFor(reason, round, iteration, msg.sender, rd.t);
        _after(round, rd, pg);
    }

    /// @inheritdoc IPoolCoordinator
    function submitSigned(uint64 round, uint32 iteration, SignedRow calldata r) external {
        (Round memory rd, Progress memory pg) = _open(round, iteration);
        uint8 reason = _acceptSigned(round, iteration, rd, pg, r);
        if (reason != 0) _revertFor(reason, round, iteration, r.participant, rd.t);
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
        if (p.status != Status.Open) revert RoundNotOpen(round);
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
        int256[] memory prices = _loadRow(round, KIND_PRICE, rd.t);
        int256[] memory sbar = _loadRow(round, KIND_SBAR, rd.t);
        int256 sum = settledSum[round];
        uint32 settled = p.settledCount;
        for (uint256 k = 0; k < participants.length; k++) {
            address who = participants[k];
            uint256 from = admittedFrom[who];
            uint256 ls = lastSubmit[who];
            bool inRound = uint64(ls >> 192) == round;
            // a participant of the round: it submitted in it, or it is admitted for it
            if (!inRound && (from == 0 || from > round)) revert NotParticipant(round, who);
            if (uint64(ls) == round) revert AlreadySettled(round, who);
            bytes calldata row = lastRows[k];
            if (inRound) {
                if (row.length != 2 * uint256(rd.t)) revert WrongLength(row.length, 2 * uint256(rd.t));
                if (keccak256(row) != lastRowHash[who]) revert PrevRowMismatch(who);
            } else if (row.length != 0) {
                revert WrongLength(row.length, 0);
            }
            int256 amount = _settlementAmount(rd, prices, sbar, row);
            sum += amount;
            settled += 1;
            lastSubmit[who] = (ls & ~uint256(type(uint64).max)) | round;
            emit Settled(round, who, amount);
        }
        settledSum[round] = sum;
        p.settledCount = settled;
        if (settled == rd.n) emit SettlementCompleted(round, -sum);
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

    /// @notice a round's parameters
    function getRound(uint64 round) external view returns (Round memory) {
        return rounds[round];
    }

    /// @notice a round's progress: iteration being collected, rows received, status, deadline block, settled count
    function getProgress(uint64 round) external view returns (Progress memory) {
        return progress[round];
    }

    /// @notice the current clearing of a round: prices (1e-6 currency/kWh), sbar (1e-6 kW), running totals (steps)
    function getClearing(uint64 round)
        external
        view
        returns (int256[] memory prices, int256[] memory sbar, int256[] memory totals)
    {
        uint16 t = rounds[round].t;
        prices = _loadRow(round, KIND_PRICE, t);
        sbar = _loadRow(round, KIND_SBAR, t);
        totals = _loadRow(round, KIND_TOTAL, t);
    }

    /// @notice the iteration of `participant`'s last row in `round` (0: none yet)
    function lastIteration(uint64 round, address participant) external view returns (uint32) {
        uint256 ls = lastSubmit[participant];
        return uint64(ls >> 192) == round ? uint32(ls >> 160) : 0;
    }

    // ---------------------------------------------------------------- internals: intake
    function _open(uint64 round, uint32 iteration) internal view returns (Round memory rd, Progress memory pg) {
        uint64 cur = currentRound;
        if (round != cur) revert WrongRound(round, cur);
        pg = progress[round];
        if (pg.status != Status.Open) revert RoundNotOpen(round);
        if (iteration != pg.iteration) revert WrongIteration(iteration, pg.iteration);
        rd = rounds[round];
    }

    function _acceptSigned(uint64 round, uint32 iteration, Round memory rd, Progress memory pg, SignedRow calldata r)
        internal
        returns (uint8)
    {
        bytes32 digest = _digest(round, iteration, r.participant, r.row, r.slice);
        if (_recover(digest, r.signature) != r.participant || r.participant == address(0)) return REJECT_SIGNATURE;
        return _accept(round, iteration, rd, pg, r.participant, r.row, r.slice, r.prevRow);
    }

    /// @dev checks and books one row; returns 0 or a REJECT_ reason (nothing changed then)
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
        uint256 from = admittedFrom[who];
        if (from == 0 || from > round) return REJECT_NOT_PARTICIPANT;
        uint256 ls = lastSubmit[who];
        bool inRound = uint64(ls >> 192) == round;
        if (inRound && uint32(ls >> 160) == iteration) return REJECT_ALREADY_SUBMITTED;
        uint256 t = rd.t;
        if (row.length != 2 * t || slice.length != 0) return REJECT_WRONG_LENGTH;
        if (inRound) {
            if (prevRow.length != 2 * t || keccak256(prevRow) != lastRowHash[who]) return REJECT_PREV_ROW;
        } else if (prevRow.length != 0) {
            return REJECT_PREV_ROW;
        }
        // totals += row - prevRow, four int64 lanes per word; dual accumulator += ||row - prevRow||^2
        uint256 acc;
        uint256 nWords = (t + 3) / 4;
        bool hasPrev = prevRow.length != 0;
        for (uint256 w = 0; w < nWords; w++) {
            uint256 key = _key(round, KIND_TOTAL, w);
            uint256 word = words[key];
            uint256 out;
            for (uint256 j = 0; j < 4; j++) {
                uint256 s = w * 4 + j;
                int256 lane = int256(int64(uint64(word >> (64 * j))));
                if (s < t) {
                    int256 d = _i16(row, s);
                    if (hasPrev) d -= _i16(prevRow, s);
                    lane += d;
                    acc += uint256(d * d);
                }
                out |= uint256(uint64(int64(lane))) << (64 * j);
            }
            words[key] = out;
        }
        dualAccs[round] += acc;
        lastRowHash[who] = keccak256(row);
        lastSubmit[who] = (uint256(round) << 192) | (uint256(iteration) << 160) | uint64(ls);
        pg.count += 1;
        emit RowSubmitted(round, iteration, who, row, slice, msg.sender);
        return 0;
    }

    function _after(uint64 round, Round memory rd, Progress memory pg) internal {
        if (pg.count >= rd.n) _close(round, rd, pg);
        else progress[round].count = pg.count;
    }

    function _revertFor(uint8 reason, uint64 round, uint32 iteration, address who, uint256 t) internal pure {
        if (reason == REJECT_NOT_PARTICIPANT) revert NotParticipant(round, who);
        if (reason == REJECT_ALREADY_SUBMITTED) revert AlreadySubmitted(round, iteration, who);
        if (reason == REJECT_WRONG_LENGTH) revert WrongLength(0, 2 * t);
        if (reason == REJECT_PREV_ROW) revert PrevRowMismatch(who);
        revert BadSignature(who);
    }

    // ---------------------------------------------------------------- internals: the step
    /// @dev closes the iteration in O(T): the arithmetic of admm/poolStep.ts
    function _close(uint64 round, Round memory rd, Progress memory pg) internal {
        uint256 t = rd.t;
        int256 n = int256(uint256(rd.n));
        int256 res = int256(uint256(rd.resolution));
        int256[] memory totals = _loadRow(round, KIND_TOTAL, t);
        int256[] memory prices = _loadRow(round, KIND_PRICE, t);
        int256[] memory sbar = _loadRow(round, KIND_SBAR, t);
        uint256 primalSq;
        uint256 sbarDeltaSq;
        for (uint256 s = 0; s < t; s++) {
            int256 imbalance = totals[s] * res; // 1e-6 kW
            int256 next = imbalance / n; // truncating
            int256 d = next - sbar[s];
            sbarDeltaSq += uint256(d * d);
            primalSq += uint256(imbalance * imbalance);
            sbar[s] = next;
            prices[s] += (int256(uint256(rd.rho)) * int256(uint256(rd.alphaPpm)) * next) / 1e12;
        }
        uint256 dualRaw = dualAccs[round] * uint256(res * res);
        uint256 nDelta = uint256(n) * sbarDeltaSq;
        uint256 dualSq = dualRaw > nDelta ? dualRaw - nDelta : 0;
        _storeRow(round, KIND_PRICE, prices);
        _storeRow(round, KIND_SBAR, sbar);
        dualAccs[round] = 0;
        bool converged = primalSq <= uint256(rd.epsPrimal) * uint256(rd.epsPrimal) * t
            && dualSq <= uint256(rd.epsDual) * uint256(rd.epsDual) * t * uint256(n);
        emit IterationClosed(
            round, pg.iteration, _packBytes(prices), _packBytes(sbar), primalSq, dualSq, pg.count, converged
        );
        Progress storage p = progress[round];
        if (converged || pg.iteration >= rd.maxIterations) {
            Status st = converged ? Status.Converged : Status.MaxIterations;
            p.status = st;
            p.count = pg.count;
            emit RoundEnded(round, pg.iteration, st);
        } else {
            p.iteration = pg.iteration + 1;
            p.count = 0;
            p.deadlineBlock = uint64(block.number + rd.deadlineBlocks);
        }
    }

    /// @dev price . z_i . dt for the participant's balanced trades z_i = row * resolution - sbar (1e-6 currency)
    function _settlementAmount(Round memory rd, int256[] memory prices, int256[] memory sbar, bytes calldata row)
        internal
        pure
        returns (int256 amount)
    {
        int256 res = int256(uint256(rd.resolution));
        bool has = row.length != 0;
        int256 num;
        for (uint256 s = 0; s < rd.t; s++) {
            int256 z = (has ? _i16(row, s) * res : int256(0)) - sbar[s];
            num += prices[s] * z;
        }
        // 1e-6 currency/kWh * 1e-6 kW * seconds / 3600 -> 1e-6 currency
        amount = (num * int256(uint256(rd.slotSeconds))) / (3600 * 1e6);
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

    /// @dev the signer of a 65-byte (r, s, v) signature, or address(0) for a malformed, malleable (high s) or invalid one
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

    function _loadRow(uint64 round, uint256 kind, uint256 t) internal view returns (int256[] memory out) {
        out = new int256[](t);
        uint256 nWords = (t + 3) / 4;
        for (uint256 w = 0; w < nWords; w++) {
            uint256 word = words[_key(round, kind, w)];
            for (uint256 j = 0; j < 4 && w * 4 + j < t; j++) {
                out[w * 4 + j] = int256(int64(uint64(word >> (64 * j))));
            }
        }
    }

    function _storeRow(uint64 round, uint256 kind, int256[] memory row) internal {
        uint256 t = row.length;
        uint256 nWords = (t + 3) / 4;
        for (uint256 w = 0; w < nWords; w++) {
            uint256 out;
            for (uint256 j = 0; j < 4 && w * 4 + j < t; j++) {
                int256 v = row[w * 4 + j];
                out |= uint256(uint64(int64(v))) << (64 * j); // |v| < 2^63 by the bounds above
            }
            words[_key(round, kind, w)] = out;
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

    function _packBytes(int256[] memory row) private pure returns (bytes memory out) {
        out = new bytes(row.length * 8);
        for (uint256 k = 0; k < row.length; k++) {
            uint64 v = uint64(int64(row[k]));
            assembly ("memory-safe") {
                let p := add(add(out, 32), mul(k, 8))
                mstore(p, or(shl(192, v), and(mload(p), sub(shl(192, 1), 1))))
            }
        }
    }
}
