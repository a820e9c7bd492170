import * as tf from '@tensorflow/tfjs';
import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passAtNLoss } from '../src/pass-at-n-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { crossEntropyRow64, perExample64, softmax64, sum } from './reference-b.js';

function passAtN64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const n = (options.n as number | undefined) ?? 4;
  return perExample64(inputs as never, (row, target) => {
    const p = softmax64(row);
    return sum(target.map((t, c) => t * -Math.log(1 - (1 - p[c]!) ** n)));
  });
}

runLossConformance(
  passAtNLoss,
  [
    { name: 'class ids, N = 4', inputs: [logits, ids], reference: passAtN64 },
    { name: 'class ids, N = 64', inputs: [logits, ids], options: { n: 64 }, reference: passAtN64 },
    { name: 'soft targets, N = 8', inputs: [logits, soft], options: { n: 8 }, reference: passAtN64 },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('passAtNLoss properties (Chen et al. 2025)', () => {
  const row = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: C, maxLength: C });
  const label = fc.integer({ min: 0, max: C - 1 });
  it('N = 1 is cross-entropy, and the loss decreases in N', () => {
    fc.assert(
      fc.property(row, label, fc.integer({ min: 1, max: 50 }), (r, y, n) => {
        const target = Array.from({ length: C }, (_, c) => (c === y ? 1 : 0));
        expectClose(passAtNLoss([r], [y], { n: 1 }), crossEntropyRow64(r, target), {
          atol: 1e-5,
          rtol: 1e-4,
        });
        const a = passAtNLoss([r], [y], { n }).dataSync()[0]!;
        const b = passAtNLoss([r], [y], { n: n + 1 }).dataSync()[0]!;
        return b <= a + 1e-6;
      }),
      { numRuns: 30 },
    );
  });
  it('has the gradient F(N, p)·∇CE', () => {
    fc.assert(
      fc.property(row, label, fc.integer({ min: 1, max: 20 }), (r, y, n) => {
        const p = softmax64(r);
        const py = p[y]!;
        const factor = (n * (1 - py) ** (n - 1) * py) / (1 - (1 - py) ** n);
        const expected = p.map((pk, k) => factor * (pk - (k === y ? 1 : 0)));
        const grad = tf.grad((x: tf.Tensor) => passAtNLoss(x, [y], { n }))(tf.tensor([r]));
        expectClose(grad, [expected], { atol: 1e-4, rtol: 1e-3 });
        grad.dispose();
      }),
      { numRuns: 25 },
    );
  });
  it('is finite and accurate far into both tails', () => {
    // p_y ≈ e^−200: ℓ ≈ 200 − log N; p_y → 1: ℓ ≈ (1 − p_y)^N → 0.
    expectClose(passAtNLoss([[200, 0]], [1], { n: 8 }), 200 - Math.log(8), { rtol: 1e-5 });
    expectClose(passAtNLoss([[0, 30]], [1], { n: 2 }), 0, { atol: 1e-12 });
    const grad = tf.grad((x: tf.Tensor) => passAtNLoss(x, [1], { n: 8 }))(tf.tensor([[200, 0]]));
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    expectClose(grad, [[1, -1]], { atol: 1e-5 });
  });
  it('rejects N that is not a positive integer', () => {
    expectXentError(() => passAtNLoss(logits, ids, { n: 0 }), 'INVALID_OPTION', { argument: 'options.n' });
    expectXentError(() => passAtNLoss(logits, ids, { n: 2.5 }), 'INVALID_OPTION', { argument: 'options.n' });
  });
});
