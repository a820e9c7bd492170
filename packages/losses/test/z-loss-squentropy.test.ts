import * as tf from '@tensorflow/tfjs';
import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { squentropyLoss, zLoss } from '../src/index.js';
import { logitsAndIds, sample, values } from './data.js';
import { crossEntropy64, type Label, type Row, squentropy64, zLoss64 } from './reference.js';

const rows = (inputs: readonly unknown[]) => [inputs[0] as Row[], inputs[1] as Label[]] as const;
const { logits, ids, soft } = sample(6, 5, 31);
const backends = { backends: ['cpu', 'wasm'] } as const;

runLossConformance(
  zLoss,
  [
    { name: 'a = 1, b = 0', inputs: [logits, ids], reference: (i) => zLoss64(...rows(i)) },
    {
      name: 'a = 0.5, b = 2, soft targets',
      inputs: [logits, soft],
      options: { a: 0.5, b: 2 },
      reference: (i) => zLoss64(...rows(i), 0.5, 2),
    },
  ],
  backends,
);
runLossConformance(
  squentropyLoss,
  [
    { name: 'int labels', inputs: [logits, ids], reference: (i) => squentropy64(...rows(i)) },
    { name: 'soft targets', inputs: [logits, soft], reference: (i) => squentropy64(...rows(i)) },
  ],
  backends,
);

describe('zLoss properties (de Brébisson & Vincent 2016)', () => {
  it('is invariant to shifting and positively scaling the logits', () => {
    const spread = logitsAndIds.filter(({ logits: z }) =>
      z.every((row) => Math.max(...row) - Math.min(...row) > 0.5),
    );
    fc.assert(
      fc.property(
        spread,
        fc.double({ min: 0.2, max: 20, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        ({ logits: z, ids: y }, scale, shift) => {
          const moved = z.map((row) => row.map((v) => scale * v + shift));
          expectClose(
            values(zLoss(moved, y, { a: 2, b: 1, reduction: 'none' })),
            values(zLoss(z, y, { a: 2, b: 1, reduction: 'none' })),
            {
              atol: 1e-4,
              rtol: 1e-4,
            },
          );
        },
      ),
      { numRuns: 30 },
    );
  });
  it('decreases as the true-class logit grows', () => {
    const low = values(zLoss([[0, 1, 2]], [0], { reduction: 'none' }))[0]!;
    const high = values(zLoss([[3, 1, 2]], [0], { reduction: 'none' }))[0]!;
    expect(high).toBeLessThan(low);
  });
  it('stays finite with a finite gradient for constant logits', () => {
    const x = tf.zeros([2, 4]);
    const grad = tf.grad((t: tf.Tensor) => zLoss(t, [0, 3]))(x);
    expect(values(grad).every(Number.isFinite)).toBe(true);
    expectClose(zLoss(x, [0, 3]), Math.log(2));
    x.dispose();
  });
  it('rejects a ≤ 0', () => {
    expectXentError(() => zLoss(logits, ids, { a: 0 }), 'INVALID_OPTION', { argument: 'options.a' });
  });
});

describe('squentropyLoss properties (Hui, Belkin & Wright 2023)', () => {
  it('is cross-entropy plus a non-negative term that vanishes when the wrong-class logits are 0', () => {
    fc.assert(
      fc.property(logitsAndIds, ({ logits: z, ids: y }) => {
        const ce = crossEntropy64(z, y);
        for (const [i, v] of values(squentropyLoss(z, y, { reduction: 'none' })).entries()) {
          expect(v).toBeGreaterThanOrEqual(ce[i]! - 1e-5);
        }
        const onlyTrue = z.map((row, i) => row.map((v, c) => (c === y[i] ? v : 0)));
        expectClose(squentropyLoss(onlyTrue, y, { reduction: 'none' }), crossEntropy64(onlyTrue, y), {
          rtol: 1e-5,
        });
      }),
      { numRuns: 30 },
    );
  });
  it('needs at least two classes', () => {
    expectXentError(() => squentropyLoss([[1], [2]], [0, 0]), 'SHAPE_MISMATCH', { argument: 'logits' });
  });
});
