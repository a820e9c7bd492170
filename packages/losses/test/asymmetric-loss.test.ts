import * as tf from '@tensorflow/tfjs';
import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asymmetricLoss } from '../src/asymmetric-loss.js';
import { C, ids, logits } from './fixtures.js';
import { perExample64 } from './reference-b.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function asl64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const gammaPos = (options.gammaPos as number | undefined) ?? 0;
  const gammaNeg = (options.gammaNeg as number | undefined) ?? 4;
  const clip = (options.clip as number | undefined) ?? 0.05;
  return perExample64(inputs as never, (row, target) => {
    let loss = 0;
    row.forEach((x, c) => {
      const p = sigmoid(x);
      const pm = Math.max(p - clip, 0);
      const y = target[c]!;
      loss -= y * (1 - p) ** gammaPos * Math.log(p);
      loss -= (1 - y) * pm ** gammaNeg * Math.log(1 - pm);
    });
    return loss;
  });
}

const multiHot = [
  [1, 0, 1, 0, 0],
  [0, 0, 0, 0, 0],
  [1, 1, 1, 1, 1],
  [0, 1, 0, 0, 1],
  [0, 0, 0, 1, 0],
  [1, 0, 0, 0, 1],
];

runLossConformance(
  asymmetricLoss,
  [
    { name: 'multi-hot, paper defaults', inputs: [logits, multiHot], reference: asl64 },
    {
      name: 'multi-hot, γ+ = 1, γ− = 2, m = 0.1',
      inputs: [logits, multiHot],
      options: { gammaPos: 1, gammaNeg: 2, clip: 0.1 },
      reference: asl64,
    },
    {
      name: 'non-integer γ− = 2.5, γ+ = 0.5',
      inputs: [logits, multiHot],
      options: { gammaPos: 0.5, gammaNeg: 2.5, clip: 0.02 },
      reference: asl64,
    },
    { name: 'class ids as single-label rows', inputs: [logits, ids], options: { clip: 0 }, reference: asl64 },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('asymmetricLoss properties', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  const hot = fc.array(fc.integer({ min: 0, max: 1 }), { minLength: C, maxLength: C });
  it('γ+ = γ− = 0, m = 0 is the summed binary cross-entropy', () => {
    fc.assert(
      fc.property(row, hot, (r, y) => {
        const bce = r.reduce((s, x, c) => s - (y[c]! ? Math.log(sigmoid(x)) : Math.log(1 - sigmoid(x))), 0);
        expectClose(asymmetricLoss([r], [y], { gammaPos: 0, gammaNeg: 0, clip: 0 }), bce, { rtol: 1e-4 });
      }),
      { numRuns: 30 },
    );
  });
  it('ignores negatives whose probability is below the margin m (hard threshold)', () => {
    // σ(−4) ≈ 0.018 < m = 0.05: the negative label contributes nothing.
    expectClose(asymmetricLoss([[-4, 30]], [[0, 1]], { clip: 0.05 }), 0, { atol: 1e-6 });
  });
  it('takes log p and log(1 − p) exactly for large |x| (no ε clamp, no sigmoid underflow)', () => {
    // −log σ(−100) = 100 (positive label), −log(1 − σ(100)) = 100 (negative label), and e^-30 terms.
    const x = [[-100, 100, 30, -30]];
    const expected = 200 + 2 * Math.log1p(Math.exp(-30));
    expectClose(asymmetricLoss(x, [[1, 0, 1, 0]], { gammaPos: 0, gammaNeg: 0, clip: 0 }), expected, {
      rtol: 1e-6,
    });
    // Gradients: −(1 − p) = −1 for the positive at −100, p = 1 for the negative at 100.
    const grad = tf.grad((z: tf.Tensor) =>
      asymmetricLoss(z, [[1, 0, 1, 0]], { gammaPos: 0, gammaNeg: 0, clip: 0, reduction: 'sum' }),
    )(tf.tensor(x));
    expectClose(grad, [[-1, 1, -Math.exp(-30), Math.exp(-30)]], { atol: 1e-6 });
    grad.dispose();
  });
  it('has finite gradients for saturated logits', () => {
    for (const clip of [0, 0.05]) {
      const grad = tf.grad((x: tf.Tensor) => asymmetricLoss(x, [[0, 1, 0]], { clip, gammaPos: 1 }))(
        tf.tensor([[40, -40, 0]]),
      );
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
      grad.dispose();
    }
  });
  it('rejects a margin outside [0, 1)', () => {
    expectXentError(() => asymmetricLoss(logits, multiHot, { clip: 1 }), 'INVALID_OPTION', {
      argument: 'options.clip',
    });
    expectXentError(() => asymmetricLoss(logits, [[2, 0, 0, 0, 0]]), 'SHAPE_MISMATCH', {
      argument: 'labels',
    });
  });
});
