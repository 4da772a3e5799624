// Detecting a participant that keeps a bilateral round open with legal rows of alternating sign
// (issue 14, defect 13). An honest ADMM iterate moves less and less; a participant whose row
// steps back and forth (each step reverses the previous one) without the steps shrinking is
// flagged. Works on a round's replayed trades (node-agent/roundReplay.ts), so `derchain verify`
// and the pilot report it from the chain's events alone.

export interface OscillatingParticipant {
  participant: number;
  /** first iteration of the longest run of reversing, non-shrinking steps */
  fromIteration: number;
  /** length of that run, in iterations */
  iterations: number;
}

/** Reversing steps in a row before a participant is flagged. */
export const OSCILLATION_RUN = 4;
/** cos(angle) between consecutive steps at or below which a step counts as a reversal. */
const REVERSAL_COS = -0.8;
/** a step at least this fraction of the previous one counts as not shrinking. */
const NOT_SHRINKING = 0.7;

function rowOfParticipant(trades: BigInt64Array, n: number, t: number, i: number): Float64Array {
  const row = new Float64Array((n - 1) * t);
  let k = 0;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    for (let s = 0; s < t; s++) row[k++] = Number(trades[(i * n + j) * t + s]);
  }
  return row;
}

/** Participants whose rows oscillate, from the trades (n*n*t, fixed point) of each iteration. */
export function findOscillations(trades: readonly BigInt64Array[], n: number, t: number, run = OSCILLATION_RUN): OscillatingParticipant[] {
  const found: OscillatingParticipant[] = [];
  for (let i = 0; i < n; i++) {
    const rows = trades.map((tr) => rowOfParticipant(tr, n, t, i));
    let best: OscillatingParticipant | null = null;
    let length = 0;
    let start = 0;
    for (let k = 2; k < rows.length; k++) {
      let dot = 0;
      let a2 = 0;
      let b2 = 0;
      for (let x = 0; x < rows[k].length; x++) {
        const a = rows[k][x] - rows[k - 1][x];
        const b = rows[k - 1][x] - rows[k - 2][x];
        dot += a * b;
        a2 += a * a;
        b2 += b * b;
      }
      const reversing = a2 > 0 && b2 > 0 && dot <= REVERSAL_COS * Math.sqrt(a2 * b2) && Math.sqrt(a2) >= NOT_SHRINKING * Math.sqrt(b2);
      if (reversing) {
        if (length === 0) start = k - 1; // 0-based iteration index of the first step's start
        length++;
        if (length >= run && (best === null || length > best.iterations)) best = { participant: i, fromIteration: start + 1, iterations: length };
      } else length = 0;
    }
    if (best) found.push(best);
  }
  return found;
}
