// Seeded pseudo-random numbers for the built-in generator: a small 32-bit state generator
// (SplitMix32-style mixing) with uniform, normal and child-stream helpers, so every run with
// the same seed gives the same households, clouds and temperatures on every platform.

/** A reproducible random stream; `fork(label)` derives an independent stream for a sub-part. */
export interface SeededRandom {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform in [lo, hi) */
  uniform(lo: number, hi: number): number;
  /** standard normal (mean 0, standard deviation 1) */
  normal(): number;
  /** an independent stream, fixed by this stream's seed and the label */
  fork(label: string): SeededRandom;
}

function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < label.length; k++) {
    h = Math.imul(h ^ label.charCodeAt(k), 0x01000193) >>> 0;
  }
  return h;
}

export function seededRandom(seed: number): SeededRandom {
  const origin = mix32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
  let state = origin;
  let spareNormal: number | null = null;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state) / 4294967296;
  };
  const stream: SeededRandom = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      if (spareNormal !== null) {
        const v = spareNormal;
        spareNormal = null;
        return v;
      }
      // Box-Muller on two uniforms; 1 - u keeps the logarithm finite
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    fork: (label) => seededRandom(mix32(origin ^ hashLabel(label))),
  };
  return stream;
}

/**
 * mulberry32: a small, well-mixed 32-bit generator returning uniforms in [0, 1). The one plain
 * seeded stream of the project (parameter draws, the radio simulator, seeded tests).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
