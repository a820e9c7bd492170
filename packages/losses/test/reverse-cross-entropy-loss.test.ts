import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { reverseCrossEntropyLoss } from '../src/reverse-cross-entropy-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { perExample64, softmax64, sum } from './reference-b.js';

export function rce64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const floor = (options.targetFloor as number | undefined) ?? 1e-4;
  return perExample64(inputs as never, (row, target) => {
    const p = softmax64(row);
    return -sum(p.map((pk, k) => pk * Math.log(Math.max(target[k]!, floor))));
  });
}

runLossConformance(
  reverseCrossEntropyLoss,
  [
    { name: 'class ids, A = log 1e-4', inputs: [logits, ids], reference: rce64 },
    { name: 'soft targets', inputs: [logits, soft], reference: rce64 },
    {
      name: 'class ids, A = −4 (SCE paper)',
      inputs: [logits, ids],
      options: { targetFloor: Math.exp(-4) },
      reference: rce64,
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('reverseCrossEntropyLoss properties (Wang et al. 2019)', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  it('is symmetric: Σ over every label j of RCE(p, j) = −A·(K − 1), a constant', () => {
    fc.assert(
      fc.property(row, (r) => {
        const rows = Array.from({ length: C }, () => r);
        const total = reverseCrossEntropyLoss(rows, [0, 1, 2, 3, 4], { reduction: 'sum' });
        expectClose(total, -Math.log(1e-4) * (C - 1), { rtol: 1e-5 });
      }),
      { numRuns: 30 },
    );
  });
  it('is bounded in [0, −A]', () => {
    fc.assert(
      fc.property(row, fc.integer({ min: 0, max: C - 1 }), (r, y) => {
        const v = reverseCrossEntropyLoss([r], [y]).dataSync()[0]!;
        return v >= -1e-6 && v <= -Math.log(1e-4) + 1e-4;
      }),
      { numRuns: 30 },
    );
  });
  it('rejects a floor outside (0, 1)', () => {
    expectXentError(() => reverseCrossEntropyLoss(logits, ids, { targetFloor: 0 }), 'INVALID_OPTION', {
      argument: 'options.targetFloor',
    });
  });
});
