// fast-check arbitraries and shared properties for the loss tests.
import type * as tf from '@tensorflow/tfjs';
import { expectClose } from '@xent/testing';
import fc from 'fast-check';
import { C } from './fixtures.js';
import { crossEntropyRow64 } from './reference-b.js';

/** One logits row of C classes. */
export const logitRow = (bound = 8) =>
  fc.array(fc.double({ min: -bound, max: bound, noNaN: true }), { minLength: C, maxLength: C });
/** One class id in [0, C). */
export const classId = fc.integer({ min: 0, max: C - 1 });

/** The paper's reduction: `loss(z, y, options)` equals cross-entropy on random rows. */
export function expectCrossEntropyAt(
  loss: (logits: number[][], labels: number[], options: Record<string, unknown>) => tf.Tensor,
  options: Record<string, unknown>,
): void {
  fc.assert(
    fc.property(logitRow(), classId, (row, y) => {
      const target = Array.from({ length: C }, (_, c) => (c === y ? 1 : 0));
      expectClose(loss([row], [y], options), crossEntropyRow64(row, target), { atol: 1e-5, rtol: 1e-4 });
    }),
    { numRuns: 30 },
  );
}
