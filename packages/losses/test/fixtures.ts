// Seeded inputs shared by the loss tests.
import { randomInts, randomNormal } from '@xent/testing';

export const N = 6;
export const C = 5;
export const logits = randomNormal([N, C], 11, 2) as number[][];
export const ids = randomInts(N, C, 12);
/** Soft targets: rows of a softmax of other random numbers. */
export const soft = (randomNormal([N, C], 13) as number[][]).map((row) => {
  const e = row.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
});
