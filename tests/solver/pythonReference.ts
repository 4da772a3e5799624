// Runs tests/reference/qp_reference.py (OSQP 1.0.4 and Clarabel 0.11.1 from PyPI) on a
// QpProblem through python3, for the reference tests and the benchmark. When python3 or
// the modules are missing, `pythonReferenceAvailable()` says why, and callers skip loudly.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { QpProblem } from '../../solver/types.js';

const script = fileURLToPath(new URL('../reference/qp_reference.py', import.meta.url));
let availability: string | null | undefined;

/** null when usable, else the reason it is not. */
export function pythonReferenceUnavailableReason(): string | null {
  if (availability !== undefined) return availability;
  const r = spawnSync('python3', ['-c', 'import osqp, clarabel, numpy, scipy'], { encoding: 'utf8' });
  if (r.error) availability = `python3 not runnable (${r.error.message})`;
  else if (r.status !== 0) availability = `python3 lacks osqp/clarabel/numpy/scipy: ${r.stderr.trim().split('\n').pop()}`;
  else availability = null;
  return availability;
}

export function warnPythonMissing(where: string, reason: string): void {
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n!! SKIPPED: ${where}\n!! ${reason}\n!! Install with: pip install osqp==1.0.4 clarabel==0.11.1 numpy scipy\n${bar}\n`);
}

export interface ReferenceResult {
  osqp: { x: (number | null)[] | null; obj: number | null; status: string; iter: number; setupMs: number; solveMs: number; warmMs?: number; warmIter?: number; warmObj?: number | null; polished: boolean };
  clarabel: { x: (number | null)[]; obj: number; status: string; solveMs: number; iter: number };
}

export function runPythonReference(problem: QpProblem, opts: { q2?: Float64Array; repeat?: number; eps?: number } = {}): ReferenceResult {
  const arr = (a: ArrayLike<number>): (number | null)[] => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
  const csc = (M: QpProblem['P']) => ({ colPtr: Array.from(M.colPtr), rowIdx: Array.from(M.rowIdx), values: Array.from(M.values) });
  const payload = JSON.stringify({
    n: problem.P.n,
    m: problem.A.m,
    P: csc(problem.P),
    A: csc(problem.A),
    q: arr(problem.q),
    l: arr(problem.l),
    u: arr(problem.u),
    q2: opts.q2 ? Array.from(opts.q2) : null,
    repeat: opts.repeat ?? 1,
    eps: opts.eps ?? 1e-8,
  });
  const r = spawnSync('python3', [script, '-'], { input: payload, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) throw new Error(`qp_reference.py failed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as ReferenceResult;
}
