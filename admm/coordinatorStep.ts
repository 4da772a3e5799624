// The coordinator step of ADMM (model note eqs. 16-17) in the exact integer arithmetic of the
// coordinator contract. This file is the specification both sides follow: the Solidity contract
// computes the same integers, the in-memory engine and `derchain verify` call this function.
//
// Fixed point: powers in 1e-6 kW, prices (lambda) in 1e-6 currency/kWh, rho in 1e-6 currency/kWh
// per kW. Integer division truncates toward zero (Solidity `int` semantics, BigInt semantics).
//
// Per unordered pair {i<j} and slot t, with submitted trades e_ij, e_ji (iteration k):
//   hat_ij = trunc((e_ij - e_ji) / 2),  hat_ji = -hat_ij                     (16) with lambda_ij = lambda_ji
//   lambda  = lambda - trunc(rho * (e_ij + e_ji) / (2 * SCALE))              (17) one dual per pair
// Residual sums over ordered entries (i != j), in squared fixed point:
//   R = sum (hat - e)^2          (primal, kW^2 * 1e12)
//   S = sum (hat_k - hat_{k-1})^2 (dual before the factor rho)
//   X = sum e^2, Z = sum hat^2, L = sum lambda^2 (for the relative tolerances)
// Stopping (from the second iteration on; integers only, no square roots):
//   primal ok:  R * 1e12        <= count * epsAbs^2 * 1e12 + epsRelPpm^2 * max(X, Z)
//   dual ok:    rho^2 * S       <= count * epsDual^2 * 1e12 + epsRelPpm^2 * L
// with count = N * (N - 1) * T, epsAbs in 1e-6 kW, epsDual in 1e-6 currency/kWh, epsRelPpm in 1e-6.
// Residual balancing (optional): if R * SCALE^2 > mu^2 * rho^2 * S then rho *= 2;
//   else if rho^2 * S > mu^2 * R * SCALE^2 then rho = max(1, rho / 2); mu = BALANCE_MU.

export const SCALE = 1_000_000n;
export const BALANCE_MU = 10n;

export interface CoordinatorConfig {
  /** number of participants N */
  n: number;
  /** horizon T */
  t: number;
  /** absolute primal tolerance, 1e-6 kW per entry */
  epsAbs: bigint;
  /** absolute dual tolerance, 1e-6 currency/kWh per entry */
  epsDual: bigint;
  /** relative tolerance in parts per million */
  epsRelPpm: bigint;
  /** adapt rho by residual balancing after each iteration */
  balanceRho: boolean;
}

/** Coordinator state between iterations. Arrays are indexed ((i * n) + j) * t + s. */
export interface CoordinatorState {
  rho: bigint;
  /** dual price per ordered pair; always symmetric (lambda[i][j] = lambda[j][i]) */
  lambda: BigInt64Array;
  /** auxiliary trades of the last completed iteration; antisymmetric */
  hat: BigInt64Array;
  /** completed iterations */
  iteration: number;
}

export interface StepResult {
  state: CoordinatorState;
  primalSq: bigint;
  dualSq: bigint;
  tradeSq: bigint;
  hatSq: bigint;
  lambdaSq: bigint;
  primalOk: boolean;
  dualOk: boolean;
  converged: boolean;
  /** rho used in this step (before balancing) */
  rhoUsed: bigint;
}

export function index(n: number, t: number, i: number, j: number, s: number): number {
  return (i * n + j) * t + s;
}

export function initialState(n: number, t: number, rho: bigint, lambda0?: BigInt64Array): CoordinatorState {
  const size = n * n * t;
  const lambda = lambda0 ? BigInt64Array.from(lambda0) : new BigInt64Array(size);
  if (lambda.length !== size) throw new Error(`initial lambda has ${lambda.length} entries, expected ${size}`);
  return { rho, lambda, hat: new BigInt64Array(size), iteration: 0 };
}

/** Truncating division (toward zero), as Solidity's `/` on signed integers. */
export function tdiv(a: bigint, b: bigint): bigint {
  return a / b; // BigInt division truncates toward zero
}

/**
 * One coordinator step: consume the submitted trades of iteration k (`trades`, indexed as the
 * state arrays; the diagonal is ignored) and return the new state and the residual figures.
 */
export function coordinatorStep(cfg: CoordinatorConfig, prev: CoordinatorState, trades: BigInt64Array): StepResult {
  const { n, t } = cfg;
  const size = n * n * t;
  if (trades.length !== size) throw new Error(`trades has ${trades.length} entries, expected ${size}`);
  const rho = prev.rho;
  const lambda = BigInt64Array.from(prev.lambda);
  const hat = new BigInt64Array(size);
  let R = 0n;
  let S = 0n;
  let X = 0n;
  let Z = 0n;
  let L = 0n;
  const twoScale = 2n * SCALE;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let s = 0; s < t; s++) {
        const a = index(n, t, i, j, s);
        const b = index(n, t, j, i, s);
        const eij = trades[a];
        const eji = trades[b];
        const h = tdiv(eij - eji, 2n);
        hat[a] = h;
        hat[b] = -h;
        const lam = lambda[a] - tdiv(rho * (eij + eji), twoScale);
        lambda[a] = lam;
        lambda[b] = lam;
        const ri = h - eij;
        const rj = -h - eji;
        R += ri * ri + rj * rj;
        const dh = h - prev.hat[a];
        S += 2n * dh * dh;
        X += eij * eij + eji * eji;
        Z += 2n * h * h;
        L += 2n * lam * lam;
      }
    }
  }
  const count = BigInt(n * (n - 1) * t);
  const e12 = SCALE * SCALE;
  const rel2 = cfg.epsRelPpm * cfg.epsRelPpm;
  const primalOk = R * e12 <= count * cfg.epsAbs * cfg.epsAbs * e12 + rel2 * (X > Z ? X : Z);
  const dualOk = rho * rho * S <= count * cfg.epsDual * cfg.epsDual * e12 + rel2 * L;
  const iteration = prev.iteration + 1;
  const converged = iteration >= 2 && primalOk && dualOk;
  let nextRho = rho;
  if (cfg.balanceRho && !converged) {
    const mu2 = BALANCE_MU * BALANCE_MU;
    if (R * e12 > mu2 * rho * rho * S) nextRho = rho * 2n;
    else if (rho * rho * S > mu2 * R * e12) nextRho = rho / 2n > 0n ? rho / 2n : 1n;
  }
  return {
    state: { rho: nextRho, lambda, hat, iteration },
    primalSq: R,
    dualSq: S,
    tradeSq: X,
    hatSq: Z,
    lambdaSq: L,
    primalOk,
    dualOk,
    converged,
    rhoUsed: rho,
  };
}

/** Float kW (or currency/kWh) to fixed point, rounding half away from zero. */
export function toFixed(x: number): bigint {
  if (!Number.isFinite(x)) throw new Error(`cannot convert ${x} to fixed point`);
  return BigInt(Math.sign(x) * Math.round(Math.abs(x) * 1e6));
}

/** Fixed point to float. */
export function fromFixed(v: bigint): number {
  return Number(v) / 1e6;
}
