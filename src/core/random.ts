/** Seeded pseudo-random numbers, so that training and sampling are reproducible. */

/** A seeded generator: `next()` is uniform in [0, 1), `gaussian()` standard normal. */
export interface Rng {
  next(): number;
  gaussian(): number;
}

/**
 * mulberry32 (Tommy Ettinger): a 32-bit state generator, fast and good enough for
 * initialisation and shuffling (not for cryptography).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates a seeded generator; normals come from the Box–Muller transform (one cached spare). */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  let spare: number | null = null;
  return {
    next,
    gaussian() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next(); // log(0) would be -Infinity
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
