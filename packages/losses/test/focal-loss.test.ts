import * as tf from '@tensorflow/tfjs';
import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { focalLoss } from '../src/focal-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { expectCrossEntropyAt } from './properties.js';
import { logSoftmax64, perExample64 } from './reference-b.js';

function focal64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const gamma = (options.gamma as number | undefined) ?? 2;
  const alpha = options.alpha as number | number[] | undefined;
  const weight = (c: number) => (alpha === undefined ? 1 : typeof alpha === 'number' ? alpha : alpha[c]!);
  return perExample64(inputs as never, (row, target) => {
    const logp = logSoftmax64(row);
    let loss = 0;
    for (let c = 0; c < row.length; c++) {
      const p = Math.exp(logp[c]!);
      loss -= target[c]! * weight(c) * (1 - p) ** gamma * logp[c]!;
    }
    return loss;
  });
}

runLossConformance(
  focalLoss,
  [
    { name: 'class ids, γ = 2', inputs: [logits, ids], reference: focal64 },
    {
      name: 'soft targets, γ = 0.5, per-class α',
      inputs: [logits, soft],
      options: { gamma: 0.5, alpha: [0.25, 1, 0.5, 2, 1] },
      reference: focal64,
    },
    {
      name: 'class ids, γ = 1, α = 0.25',
      inputs: [logits, ids],
      options: { gamma: 1, alpha: 0.25 },
      reference: focal64,
    },
  ],
  { backends: ['cpu', 'wasm'] },
);

describe('focalLoss properties', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  it('γ = 0 is cross-entropy (Lin et al. §3)', () => {
    expectCrossEntropyAt(focalLoss as never, { gamma: 0 });
  });
  it('is ≤ cross-entropy and decreases in γ', () => {
    fc.assert(
      fc.property(
        row,
        fc.integer({ min: 0, max: C - 1 }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (r, y, g) => {
          const [a, b, ce] = [g, g + 1, 0].map((gamma) => focalLoss([r], [y], { gamma }).dataSync()[0]!);
          return b! <= a! + 1e-6 && a! <= ce! + 1e-6;
        },
      ),
      { numRuns: 30 },
    );
  });
  it('stays finite and exact for confident predictions', () => {
    expectClose(focalLoss([[40, 0, 0]], [0], { gamma: 2 }), 0, { atol: 1e-12 });
    const grad = tf.grad((x: tf.Tensor) => focalLoss(x, [1], { gamma: 0.5 }))(tf.tensor([[40, 0, 0]]));
    expectClose(grad, [[1, -1, 0]], { atol: 1e-3, rtol: 1e-3 });
  });
  it('rejects bad α', () => {
    expectXentError(() => focalLoss(logits, ids, { alpha: [1, 2] }), 'INVALID_OPTION', {
      argument: 'options.alpha',
    });
    expectXentError(() => focalLoss(logits, ids, { alpha: -1 }), 'INVALID_OPTION', {
      argument: 'options.alpha',
    });
    expectXentError(() => focalLoss(logits, ids, { gamma: -1 }), 'INVALID_OPTION', {
      argument: 'options.gamma',
    });
  });
});
