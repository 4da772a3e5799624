// HiGHS (npm `highs`, WebAssembly) as the reference solver for small QPs in the tests:
// writes a QpProblem as CPLEX LP text with a quadratic objective section and returns
// HiGHS's solution.

import type { QpProblem } from '../../solver/types.js';

type Highs = { solve(lp: string, options?: Record<string, unknown>): any };
let highsPromise: Promise<Highs> | null = null;

async function loadHighs(): Promise<Highs> {
  if (highsPromise === null) highsPromise = import('highs').then((mod: any) => (mod.default ?? mod)() as Promise<Highs>);
  return highsPromise;
}

function num(v: number): string {
  return v.toPrecision(17);
}

/** The problem as CPLEX LP text; variables x0..x{n-1} are free. */
export function toCplexLp(problem: QpProblem): string {
  const { P, q, A, l, u } = problem;
  const n = P.n;
  const linear: string[] = [];
  for (let j = 0; j < n; j++) if (q[j] !== 0) linear.push(`${q[j] < 0 ? '-' : '+'} ${num(Math.abs(q[j]))} x${j}`);
  const quad: string[] = [];
  for (let j = 0; j < n; j++) {
    for (let p = P.colPtr[j]; p < P.colPtr[j + 1]; p++) {
      const i = P.rowIdx[p];
      const v = i === j ? P.values[p] : 2 * P.values[p];
      if (v === 0) continue;
      const term = i === j ? `x${j} ^ 2` : `x${i} * x${j}`;
      quad.push(`${v < 0 ? '-' : '+'} ${num(Math.abs(v))} ${term}`);
    }
  }
  const rows: string[][] = Array.from({ length: A.m }, () => []);
  for (let j = 0; j < n; j++) {
    for (let p = A.colPtr[j]; p < A.colPtr[j + 1]; p++) {
      const v = A.values[p];
      rows[A.rowIdx[p]].push(`${v < 0 ? '-' : '+'} ${num(Math.abs(v))} x${j}`);
    }
  }
  const lines: string[] = ['Minimize', ` obj: ${linear.join(' ') || '0 x0'}${quad.length ? ` + [ ${quad.join(' ')} ] / 2` : ''}`, 'Subject To'];
  for (let i = 0; i < A.m; i++) {
    const expr = rows[i].length ? rows[i].join(' ') : '0 x0';
    if (l[i] === u[i]) lines.push(` r${i}: ${expr} = ${num(l[i])}`);
    else {
      if (Number.isFinite(l[i])) lines.push(` r${i}l: ${expr} >= ${num(l[i])}`);
      if (Number.isFinite(u[i])) lines.push(` r${i}u: ${expr} <= ${num(u[i])}`);
    }
  }
  lines.push('Bounds');
  for (let j = 0; j < n; j++) lines.push(` x${j} free`);
  lines.push('End');
  return lines.join('\n');
}

export interface HighsSolution {
  status: string;
  x: Float64Array;
  objective: number;
}

export async function solveWithHighs(problem: QpProblem): Promise<HighsSolution> {
  const highs = await loadHighs();
  const result = highs.solve(toCplexLp(problem), { output_flag: false });
  const n = problem.P.n;
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = result.Columns[`x${j}`]?.Primal ?? NaN;
  return { status: result.Status, x, objective: result.ObjectiveValue };
}
