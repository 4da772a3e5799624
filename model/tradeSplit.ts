// The pairwise trades behind given net trades in the social problem.
//
// With the trade cost eps/2 * sum_i sum_{j != i} pET[i][j]^2 over ordered pairs, clearing
// pET[i][j] = -pET[j][i] and a complete trading graph, the cheapest flows with nets s_i
// (sum_i s_i = 0) solve
//   min eps * sum_{i<j} p_ij^2  s.t.  sum_j p_ij = s_i.
// Stationarity gives 2 eps p_ij = mu_i - mu_j; the constraints give mu_i = 2 eps s_i / N (taking
// sum mu = 0), so p_ij = (s_i - s_j) / N and the minimum is
//   eps/N^2 * sum_{i<j} (s_i - s_j)^2 = eps/N^2 * (N sum_i s_i^2 - (sum_i s_i)^2) = eps/N * sum_i s_i^2.
// The DCM therefore carries the trade cost as eps/N * sum_i s_i[t]^2 and never needs N^2 variables.
// (tests/model/tradeSplit.test.ts checks this against an explicit pairwise QP.)

/** p[i][j][t] = (s_i[t] - s_j[t]) / N; p[i][i] = 0. */
export function pairwiseTrades(nets: readonly (readonly number[])[]): number[][][] {
  const N = nets.length;
  const T = N > 0 ? nets[0].length : 0;
  const out: number[][][] = [];
  for (let i = 0; i < N; i++) {
    const row: number[][] = [];
    for (let j = 0; j < N; j++) {
      const v = new Array<number>(T);
      for (let t = 0; t < T; t++) v[t] = i === j ? 0 : (nets[i][t] - nets[j][t]) / N;
      row.push(v);
    }
    out.push(row);
  }
  return out;
}

/** Prosumer i's share eps/2 * sum_j p_ij^2 of the trade cost, for given pairwise trades. */
export function tradeCostShare(eps: number, trades: readonly (readonly number[])[]): number {
  let c = 0;
  for (const row of trades) for (const p of row) c += (eps / 2) * p * p;
  return c;
}
