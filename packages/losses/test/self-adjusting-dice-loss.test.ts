import * as tf from '@tensorflow/tfjs';
import { expectClose, expectXentError, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selfAdjustingDiceLoss } from '../src/self-adjusting-dice-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { perExample64, softmax64 } from './reference-b.js';

function dice64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const alpha = (options.alpha as number | undefined) ?? 0.01;
  const smooth = (options.smooth as number | undefined) ?? 1;
  return perExample64(inputs as never, (row, target) => {
    const p = softmax64(row);
    let loss = 0;
    for (let c = 0; c < row.length; c++) {
      const adjusted = (1 - p[c]!) ** alpha * p[c]!;
      loss += 1 - (2 * adjusted * target[c]! + smooth) / (adjusted + target[c]! + smooth);
    }
    return loss;
  });
}

runLossConformance(
  selfAdjustingDiceLoss,
  [
    { name: 'class ids, α = 0.01, γ = 1', inputs: [logits, ids], reference: dice64 },
    {
      name: 'class ids, α = 0.5, γ = 0.1',
      inputs: [logits, ids],
      options: { alpha: 0.5, smooth: 0.1 },
      reference: dice64,
    },
    {
      name: 'class ids, α = 0 (plain soft Dice)',
      inputs: [logits, ids],
      options: { alpha: 0 },
      reference: dice64,
    },
    {
      name: 'soft targets, α = 0.5, γ = 0.1',
      inputs: [logits, soft],
      options: { alpha: 0.5, smooth: 0.1 },
      reference: dice64,
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('selfAdjustingDiceLoss properties', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  const label = fc.integer({ min: 0, max: C - 1 });
  it('α = 0 is the soft Dice loss Σ_c 1 − (2p_c·t_c + γ)/(p_c + t_c + γ), and every term lies in [0, 1)', () => {
    fc.assert(
      fc.property(row, label, (r, y) => {
        const p = softmax64(r);
        const expected = p.reduce((s, pc, c) => {
          const t = c === y ? 1 : 0;
          return s + 1 - (2 * pc * t + 1) / (pc + t + 1);
        }, 0);
        expectClose(selfAdjustingDiceLoss([r], [y], { alpha: 0 }), expected);
        const v = selfAdjustingDiceLoss([r], [y]).dataSync()[0]!;
        return v >= -1e-6 && v < C;
      }),
      { numRuns: 30 },
    );
  });
  it('has finite gradients for saturated logits (1 − p below float32 resolution)', () => {
    const grad = tf.grad((x: tf.Tensor) => selfAdjustingDiceLoss(x, [0]))(tf.tensor([[40, 0, 0]]));
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    grad.dispose();
  });
  it('the class-id path (no one-hot) equals the soft-target path on one-hot targets: values and gradients', () => {
    for (const options of [{}, { alpha: 0 }, { alpha: 2, smooth: 0.3 }]) {
      // Row 0 saturated (1 − p under the floor at the target), the rest random.
      const x = tf.tensor2d([[30, 0, -1, 2], ...(randomNormal([5, 4], 11) as number[][])]);
      const y = [0, 3, 1, 2, 0, 1];
      const hot = tf.oneHot(tf.tensor1d(y, 'int32'), 4).toFloat();
      const weights = [0.5, 1, 2, 0, 1, 3];
      const f = (t: tf.Tensor | number[]) => (z: tf.Tensor) =>
        selfAdjustingDiceLoss(z, t, { ...options, weights, reduction: 'sum' });
      expectClose(f(y)(x), f(hot)(x).dataSync()[0]!, { atol: 1e-6, rtol: 1e-6 });
      expectClose(tf.grad(f(y))(x), tf.grad(f(hot))(x), { atol: 1e-6, rtol: 1e-5 });
      tf.dispose([x, hot]);
    }
  });
  it('rejects smooth ≤ 0', () => {
    expectXentError(() => selfAdjustingDiceLoss(logits, ids, { smooth: 0 }), 'INVALID_OPTION', {
      argument: 'options.smooth',
    });
  });
});
