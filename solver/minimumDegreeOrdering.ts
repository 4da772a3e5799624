// Fill-reducing ordering for the sparse LDL' factorisation: a minimum degree ordering on
// the explicit elimination graph (the documented equivalent of approximate minimum degree
// that this project uses). At each step the node of least current degree is eliminated
// and its neighbours are joined into a clique; degrees are exact, not approximate. Nodes
// of very high degree (more than max(16, 10 sqrt(n)) neighbours, e.g. a linking row) are
// set aside and ordered last, as AMD does with dense rows. Ties are broken
// deterministically (last-in, first-out per degree bucket), so the same pattern always
// gives the same permutation. Written from the textbook description of minimum degree
// (Tinney-Walker scheme 2; George and Liu 1989); no code from AMD was copied.

/**
 * Returns perm with perm[newIndex] = oldIndex for the symmetric pattern whose upper (or
 * lower, or full) triangle is given in CSC form; the diagonal is ignored.
 */
export function minimumDegreeOrdering(n: number, colPtr: Int32Array, rowIdx: Int32Array): Int32Array {
  // adjacency lists live in one pool: node v owns pool[start[v] .. start[v] + cap[v]),
  // of which the first len[v] entries are used; a list that outgrows its slot moves to
  // the end of the pool with twice the room (the pool doubles when full)
  const degreeCount = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    for (let p = colPtr[j]; p < colPtr[j + 1]; p++) {
      const i = rowIdx[p];
      if (i === j) continue;
      degreeCount[i]++;
      degreeCount[j]++;
    }
  }
  const start = new Int32Array(n);
  const cap = new Int32Array(n);
  const len = new Int32Array(n);
  let used = 0;
  for (let v = 0; v < n; v++) {
    start[v] = used;
    cap[v] = degreeCount[v] + 2;
    used += cap[v];
  }
  let pool = new Int32Array(Math.max(16, used * 2));
  const append = (a: number, b: number): void => {
    if (len[a] === cap[a]) {
      const newCap = cap[a] * 2 + 4;
      if (used + newCap > pool.length) {
        const grown = new Int32Array(Math.max(pool.length * 2, used + newCap));
        grown.set(pool.subarray(0, used));
        pool = grown;
      }
      pool.copyWithin(used, start[a], start[a] + len[a]);
      start[a] = used;
      cap[a] = newCap;
      used += newCap;
    }
    pool[start[a] + len[a]] = b;
    len[a]++;
  };
  const stamp = new Int32Array(n).fill(-1);
  for (let j = 0; j < n; j++) {
    for (let p = colPtr[j]; p < colPtr[j + 1]; p++) {
      const i = rowIdx[p];
      if (i === j) continue;
      append(i, j);
      append(j, i);
    }
  }
  // remove duplicate edges
  for (let v = 0; v < n; v++) {
    const s0 = start[v];
    let w = 0;
    for (let r = 0; r < len[v]; r++) {
      const b = pool[s0 + r];
      if (stamp[b] !== v) {
        stamp[b] = v;
        pool[s0 + w++] = b;
      }
    }
    len[v] = w;
  }

  const perm = new Int32Array(n);
  const eliminated = new Uint8Array(n);
  // dense nodes go last
  const denseThreshold = Math.max(16, Math.floor(10 * Math.sqrt(n)));
  const dense: number[] = [];
  for (let v = 0; v < n; v++) if (len[v] > denseThreshold) dense.push(v);
  if (dense.length > 0) {
    for (const v of dense) eliminated[v] = 1;
    for (let v = 0; v < n; v++) {
      if (eliminated[v]) continue;
      const s0 = start[v];
      let w = 0;
      for (let r = 0; r < len[v]; r++) if (!eliminated[pool[s0 + r]]) pool[s0 + w++] = pool[s0 + r];
      len[v] = w;
    }
  }

  // degree buckets as doubly linked lists
  const head = new Int32Array(n + 1).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  const degree = new Int32Array(n);
  const insert = (v: number, d: number): void => {
    degree[v] = d;
    prev[v] = -1;
    next[v] = head[d];
    if (head[d] !== -1) prev[head[d]] = v;
    head[d] = v;
  };
  const remove = (v: number): void => {
    const d = degree[v];
    if (prev[v] !== -1) next[prev[v]] = next[v];
    else head[d] = next[v];
    if (next[v] !== -1) prev[next[v]] = prev[v];
  };
  let minDegree = n;
  for (let v = n - 1; v >= 0; v--) {
    if (eliminated[v]) continue;
    insert(v, len[v]);
    if (len[v] < minDegree) minDegree = len[v];
  }

  stamp.fill(-1);
  let tag = 0;
  let k = 0;
  const remaining = n - dense.length;
  let neighbours = new Int32Array(16);
  while (k < remaining) {
    while (head[minDegree] === -1) minDegree++;
    const p = head[minDegree];
    remove(p);
    eliminated[p] = 1;
    perm[k++] = p;
    const nCount = len[p];
    if (neighbours.length < nCount) neighbours = new Int32Array(nCount * 2);
    neighbours.set(pool.subarray(start[p], start[p] + nCount));
    for (let t = 0; t < nCount; t++) {
      const a = neighbours[t];
      remove(a);
      // new adjacency of a: (adj(a) \ {p}) U (N(p) \ {a})
      tag++;
      const s0 = start[a];
      let w = 0;
      for (let r = 0; r < len[a]; r++) {
        const b = pool[s0 + r];
        if (b === p) continue;
        stamp[b] = tag;
        pool[s0 + w++] = b;
      }
      len[a] = w;
      stamp[a] = tag;
      for (let s = 0; s < nCount; s++) {
        const c = neighbours[s];
        if (stamp[c] !== tag) {
          stamp[c] = tag;
          append(a, c);
        }
      }
      const d = len[a];
      insert(a, d);
      if (d < minDegree) minDegree = d;
    }
    len[p] = 0;
  }
  for (const v of dense) perm[k++] = v;
  return perm;
}

/** Inverse of a permutation: inv[perm[k]] = k. */
export function invertPermutation(perm: Int32Array): Int32Array {
  const inv = new Int32Array(perm.length);
  for (let k = 0; k < perm.length; k++) inv[perm[k]] = k;
  return inv;
}
