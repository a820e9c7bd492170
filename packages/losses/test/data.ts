import type * as tf from '@tensorflow/tfjs';
import { randomInts, randomNormal } from '@xent/testing';
import fc from 'fast-check';
import type { Row } from './reference.js';

/** Seeded logits `[n, c]` (scale 2) and class ids for conformance cases. */
export function sample(n: number, c: number, seed: number): { logits: Row[]; ids: number[]; soft: Row[] } {
  const logits = randomNormal([n, c], seed, 2) as Row[];
  const ids = randomInts(n, c, seed + 1);
  const raw = randomNormal([n, c], seed + 2) as Row[];
  const soft = raw.map((row) => {
    const e = row.map((v) => Math.exp(v));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
  return { logits, ids, soft };
}

/** fast-check arbitrary: logits `[n, c]` (finite, |z| ≤ 8) with class ids, n ∈ [1, 4], c ∈ [2, 6]. */
export const logitsAndIds = fc
  .record({ n: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 2, max: 6 }) })
  .chain(({ n, c }) =>
    fc.record({
      logits: fc.array(
        fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: c, maxLength: c }),
        {
          minLength: n,
          maxLength: n,
        },
      ),
      ids: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
    }),
  );

/** Reads a tensor synchronously (cpu/wasm) and disposes it. */
export function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}
