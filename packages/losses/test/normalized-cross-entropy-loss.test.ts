import { expectClose } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { normalizedCrossEntropyLoss } from '../src/normalized-cross-entropy-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { logSoftmax64, perExample64, sum } from './reference-b.js';

export function nce64(inputs: readonly unknown[]): number[] {
  return perExample64(inputs as never, (row, target) => {
    const logp = logSoftmax64(row);
    return sum(target.map((t, c) => t * logp[c]!)) / sum(logp);
  });
}

runLossConformance(
  normalizedCrossEntropyLoss,
  [
    { name: 'class ids', inputs: [logits, ids], reference: nce64 },
    { name: 'soft targets', inputs: [logits, soft], reference: nce64 },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('normalizedCrossEntropyLoss properties (Ma et al. 2020)', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  it('is normalised: Σ over every label j of NCE(p, j) = 1, so each value lies in [0, 1]', () => {
    fc.assert(
      fc.property(row, (r) => {
        const rows = Array.from({ length: C }, () => r);
        const values = Array.from(
          normalizedCrossEntropyLoss(rows, [0, 1, 2, 3, 4], { reduction: 'none' }).dataSync(),
        );
        expectClose(sum(values), 1, { atol: 1e-5 });
        return values.every((v) => v >= -1e-6 && v <= 1 + 1e-6);
      }),
      { numRuns: 30 },
    );
  });
});
