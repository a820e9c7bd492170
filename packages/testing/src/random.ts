import type { Nested } from './close.js';

/** A small seeded PRNG (mulberry32) returning floats in [0, 1): reproducible test data without tfjs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard-normal samples (Box–Muller) times `scale`, as a nested array of `shape`. */
export function randomNormal(shape: readonly number[], seed = 1, scale = 1): Nested {
  const next = seededRandom(seed);
  const sample = () => {
    const u = 1 - next();
    const v = next();
    return scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const build = (dims: readonly number[]): Nested =>
    dims.length === 0 ? sample() : Array.from({ length: dims[0]! }, () => build(dims.slice(1)));
  return build(shape);
}

/** `count` integers in `[0, max)`. */
export function randomInts(count: number, max: number, seed = 1): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(next() * max));
}
