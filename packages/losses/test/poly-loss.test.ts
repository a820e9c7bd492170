import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { polyLoss } from '../src/poly-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { expectCrossEntropyAt } from './properties.js';
import { crossEntropyRow64, perExample64, softmax64, sum } from './reference-b.js';

function poly64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const epsilon = (options.epsilon as number | undefined) ?? 2;
  return perExample64(inputs as never, (row, target) => {
    const p = softmax64(row);
    return crossEntropyRow64(row, target) + epsilon * (1 - sum(target.map((t, c) => t * p[c]!)));
  });
}

runLossConformance(
  polyLoss,
  [
    { name: 'class ids, ε = 2', inputs: [logits, ids], reference: poly64 },
    { name: 'soft targets, ε = −1', inputs: [logits, soft], options: { epsilon: -1 }, reference: poly64 },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('polyLoss properties', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  const label = fc.integer({ min: 0, max: C - 1 });
  it('ε = 0 is cross-entropy', () => {
    expectCrossEntropyAt(polyLoss as never, { epsilon: 0 });
  });
  it('is affine in ε and ≥ 0 for ε ≥ −1', () => {
    fc.assert(
      fc.property(row, label, fc.double({ min: -1, max: 5, noNaN: true }), (r, y, epsilon) => {
        const [a, b, c] = [0, 1, epsilon].map((e) => polyLoss([r], [y], { epsilon: e }).dataSync()[0]!);
        expectClose(c!, a! + epsilon * (b! - a!), { atol: 1e-4, rtol: 1e-4 });
        return c! >= -1e-5;
      }),
      { numRuns: 30 },
    );
  });
  it('rejects ε < −1', () => {
    expectXentError(() => polyLoss(logits, ids, { epsilon: -2 }), 'INVALID_OPTION', {
      argument: 'options.epsilon',
    });
  });
});
