// Small dense vector loops shared by the QP solvers, one loop per function (V8 compiles long loops
// on stack replacement; a function whose later loop never ran would deoptimise on every call).

/** max_i |v_i| over the first len entries */
export function maxAbs(v: Float64Array, len: number): number {
  let r = 0;
  for (let i = 0; i < len; i++) r = Math.max(r, Math.abs(v[i]));
  return r;
}

/** max_i |v_i w_i| over the first len entries */
export function scaledMaxAbs(v: Float64Array, w: Float64Array, len: number): number {
  let r = 0;
  for (let i = 0; i < len; i++) r = Math.max(r, Math.abs(v[i] * w[i]));
  return r;
}

/** sum_i a_i b_i over the first len entries */
export function dot(a: Float64Array, b: Float64Array, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[i] * b[i];
  return s;
}
