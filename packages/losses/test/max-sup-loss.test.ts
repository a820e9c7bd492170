import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { maxSupLoss } from '../src/max-sup-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { expectCrossEntropyAt } from './properties.js';
import { crossEntropyRow64, perExample64 } from './reference-b.js';

function maxSup64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const lambda = (options.lambda as number | undefined) ?? 0.1;
  return perExample64(inputs as never, (row, target) => {
    let max = Number.NEGATIVE_INFINITY;
    let total = 0;
    for (const z of row) {
      max = Math.max(max, z);
      total += z;
    }
    return crossEntropyRow64(row, target) + lambda * (max - total / row.length);
  });
}

runLossConformance(
  maxSupLoss,
  [
    { name: 'class ids, λ = 0.1', inputs: [logits, ids], reference: maxSup64 },
    { name: 'soft targets, λ = 0.2', inputs: [logits, soft], options: { lambda: 0.2 }, reference: maxSup64 },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('maxSupLoss properties (Zhou et al. 2025)', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  const label = fc.integer({ min: 0, max: C - 1 });
  it('λ = 0 is cross-entropy', () => {
    expectCrossEntropyAt(maxSupLoss as never, { lambda: 0 });
  });
  it('is shift-invariant in the logits, and equals label smoothing’s logit term when y is the top-1', () => {
    fc.assert(
      fc.property(row, label, fc.double({ min: -20, max: 20, noNaN: true }), (r, y, shift) => {
        const a = maxSupLoss([r], [y]).dataSync()[0]!;
        const b = maxSupLoss([r.map((v) => v + shift)], [y]).dataSync()[0]!;
        expectClose(b, a, { atol: 1e-4, rtol: 1e-4 });
        const top = r.indexOf(Math.max(...r));
        const target = Array.from({ length: C }, (_, c) => (c === top ? 1 : 0));
        const ls = crossEntropyRow64(r, target) + 0.1 * (r[top]! - r.reduce((s, v) => s + v, 0) / C);
        expectClose(maxSupLoss([r], [top]), ls, { atol: 1e-4, rtol: 1e-4 });
      }),
      { numRuns: 30 },
    );
  });
  it('rejects λ < 0', () => {
    expectXentError(() => maxSupLoss(logits, ids, { lambda: -0.1 }), 'INVALID_OPTION', {
      argument: 'options.lambda',
    });
  });
});
