import { seededRandom } from '@xent/core';

/** Seeded PRNG (core's mulberry32), so every run of a comparison sees the same batches. */
export const createRng = seededRandom;

/** A uniform integer in [0, n). */
export function randomInt(rng: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}
