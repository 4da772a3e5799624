#!/usr/bin/env python3
"""Reference solutions for derchain's QP solver tests and benchmark.

Reads a problem as JSON (file path in argv[1], or stdin):
  {"n": n, "m": m,
   "P": {"colPtr": [...], "rowIdx": [...], "values": [...]},   # upper triangle, CSC
   "q": [...],
   "A": {"colPtr": [...], "rowIdx": [...], "values": [...]},   # m x n, CSC
   "l": [...], "u": [...],                                     # null = -inf / +inf
   "q2": [...]            # optional: a second linear term, for a warm re-solve
   "repeat": 1,           # optional: timing repetitions (medians are reported)
   "eps": 1e-8}           # optional: OSQP tolerances
and prints JSON
  {"osqp": {"x", "y", "obj", "status", "iter", "setupMs", "solveMs", "warmMs", "warmIter"},
   "clarabel": {"x", "obj", "status", "solveMs"}}
Times are the solvers' own (C/Rust) timers, medians over `repeat` runs.
Needs: pip install osqp==1.0.4 clarabel==0.11.1 numpy scipy
Written for this project.
"""
import json
import statistics
import sys

import numpy as np
import scipy.sparse as sp
import osqp
import clarabel


def csc(d, m, n):
    return sp.csc_matrix(
        (np.array(d["values"], dtype=float), np.array(d["rowIdx"], dtype=np.int64), np.array(d["colPtr"], dtype=np.int64)),
        shape=(m, n),
    )


def bounds(v, sign):
    return np.array([sign * np.inf if b is None else float(b) for b in v], dtype=float)


def finite_list(a):
    return [None if not np.isfinite(v) else float(v) for v in a]


def run_osqp(P, q, A, l, u, q2, eps, repeat):
    setups, solves, warms = [], [], []
    out = None
    for _ in range(repeat):
        s = osqp.OSQP()
        s.setup(P, q, A, np.maximum(l, -1e30), np.minimum(u, 1e30), verbose=False, polishing=True,
                eps_abs=eps, eps_rel=eps, max_iter=200000, eps_prim_inf=1e-7, eps_dual_inf=1e-7)
        r = s.solve()
        setups.append(r.info.setup_time * 1e3)
        solves.append(r.info.solve_time * 1e3 + (r.info.polish_time or 0) * 1e3)
        out = {
            "x": finite_list(r.x) if r.x is not None else None,
            "y": finite_list(r.y) if r.y is not None else None,
            "obj": float(r.info.obj_val) if np.isfinite(r.info.obj_val) else None,
            "status": r.info.status,
            "iter": int(r.info.iter),
            "polished": int(r.info.status_polish) == 1,
        }
        if q2 is not None:
            s.update(q=q2)
            r2 = s.solve()
            warms.append((r2.info.update_time + r2.info.solve_time + (r2.info.polish_time or 0)) * 1e3)
            out["warmIter"] = int(r2.info.iter)
            out["warmObj"] = float(r2.info.obj_val) if np.isfinite(r2.info.obj_val) else None
            out["warmX"] = finite_list(r2.x) if r2.x is not None else None
    out["setupMs"] = statistics.median(setups)
    out["solveMs"] = statistics.median(solves)
    if warms:
        out["warmMs"] = statistics.median(warms)
    return out


def run_clarabel(P, q, A, l, u, repeat):
    m, n = A.shape
    eq = np.where(np.isfinite(l) & np.isfinite(u) & (l == u))[0]
    up = np.where(np.isfinite(u) & ~(np.isfinite(l) & (l == u)))[0]
    lo = np.where(np.isfinite(l) & ~(np.isfinite(u) & (l == u)))[0]
    A_stack = sp.vstack([A[eq, :], A[up, :], -A[lo, :]]).tocsc()
    b = np.concatenate([u[eq], u[up], -l[lo]])
    cones = []
    if len(eq):
        cones.append(clarabel.ZeroConeT(len(eq)))
    if len(up) + len(lo):
        cones.append(clarabel.NonnegativeConeT(len(up) + len(lo)))
    Pu = sp.triu(P).tocsc()
    times = []
    out = None
    for _ in range(repeat):
        settings = clarabel.DefaultSettings()
        settings.verbose = False
        settings.tol_gap_abs = 1e-10
        settings.tol_gap_rel = 1e-10
        settings.tol_feas = 1e-10
        solver = clarabel.DefaultSolver(Pu, q, A_stack, b, cones, settings)
        sol = solver.solve()
        times.append(sol.solve_time * 1e3)
        status = str(sol.status)
        out = {
            "x": finite_list(np.array(sol.x)),
            "obj": float(sol.obj_val),
            "status": status,
            "iter": int(sol.iterations),
        }
    out["solveMs"] = statistics.median(times)
    return out


def main():
    text = open(sys.argv[1]).read() if len(sys.argv) > 1 and sys.argv[1] != "-" else sys.stdin.read()
    prob = json.loads(text)
    n, m = int(prob["n"]), int(prob["m"])
    P = csc(prob["P"], n, n)
    A = csc(prob["A"], m, n)
    q = np.array(prob["q"], dtype=float)
    l = bounds(prob["l"], -1)
    u = bounds(prob["u"], 1)
    q2 = np.array(prob["q2"], dtype=float) if prob.get("q2") is not None else None
    repeat = int(prob.get("repeat", 1))
    eps = float(prob.get("eps", 1e-8))
    result = {"osqp": run_osqp(P, q, A, l, u, q2, eps, repeat), "clarabel": run_clarabel(P, q, A, l, u, repeat)}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
