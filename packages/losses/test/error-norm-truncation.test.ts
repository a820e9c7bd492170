import { expectClose } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { errorNormTruncation } from '../src/error-norm-truncation.js';
import { C, ids, logits, soft } from './fixtures.js';
import { crossEntropyRow64, perExample64, softmax64 } from './reference-b.js';

function ent64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const threshold = (options.threshold as number | undefined) ?? 1;
  return perExample64(inputs as never, (row, target) => {
    const p = softmax64(row);
    const norm = Math.sqrt(p.reduce((s, pk, k) => s + (pk - target[k]!) ** 2, 0));
    return norm <= threshold ? crossEntropyRow64(row, target) : 0;
  });
}

// The fixtures' error norms are away from the thresholds used (the mask is a step).
runLossConformance(
  errorNormTruncation,
  [
    { name: 'class ids, threshold 1', inputs: [logits, ids], reference: ent64 },
    {
      name: 'class ids, threshold 0.9',
      inputs: [logits, ids],
      options: { threshold: 0.9 },
      reference: ent64,
    },
    {
      name: 'soft targets, threshold 0.8',
      inputs: [logits, soft],
      options: { threshold: 0.8 },
      reference: ent64,
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('errorNormTruncation properties (Li et al. 2024)', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  const label = fc.integer({ min: 0, max: C - 1 });
  it('is cross-entropy when threshold ≥ √2 (the largest error norm) and 0 when threshold < min norm', () => {
    fc.assert(
      fc.property(row, label, (r, y) => {
        const target = Array.from({ length: C }, (_, c) => (c === y ? 1 : 0));
        expectClose(errorNormTruncation([r], [y], { threshold: Math.SQRT2 }), crossEntropyRow64(r, target));
        expectClose(errorNormTruncation([r], [y], { threshold: 0 }), 0, { atol: 1e-5 });
      }),
      { numRuns: 30 },
    );
  });
  it('keeps the mean denominator: dropped examples count as 0 in the mean over N', () => {
    // Row 0 confidently wrong (e ≈ √2, dropped), row 1 confidently right (kept).
    const value = errorNormTruncation(
      [
        [10, 0, 0],
        [10, 0, 0],
      ],
      [1, 0],
      { threshold: 1 },
    );
    expectClose(value, crossEntropyRow64([10, 0, 0], [1, 0, 0]) / 2);
  });
});
