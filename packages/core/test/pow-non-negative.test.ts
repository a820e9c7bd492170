import * as tf from '@tensorflow/tfjs';
import { powNonNegative } from '@xent/core';
import { expectClose, expectNoLeak, gradCheck } from '@xent/testing';
import { describe, expect, it } from 'vitest';

describe('powNonNegative', () => {
  it('matches baseᵞ with 0ᵞ = 0 for γ > 0 and 1 for γ = 0', () => {
    const base = [0, 0.25, 1, 2];
    for (const gamma of [0, 0.5, 1, 2, 4]) {
      expectClose(
        powNonNegative(tf.tensor(base), gamma),
        base.map((b) => (gamma === 0 ? 1 : b ** gamma)),
      );
    }
  });
  it('has the gradient γ·base^(γ−1) for base > 0 and 0 at base 0 (no NaN for γ < 1)', () => {
    gradCheck({
      fn: (x) => tf.sum(powNonNegative(x, 0.5)),
      reference: (x) => (x as number[]).reduce((s, v) => s + v ** 0.5, 0),
      at: [[0.1, 0.5, 2]],
    });
    const grad = tf.grad((x: tf.Tensor) => tf.sum(powNonNegative(x, 0.3)))(tf.tensor([0, 1]));
    expectClose(grad, [0, 0.3]);
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
  });
  it('leaks nothing', () => {
    const x = tf.tensor([0, 1]);
    expectNoLeak(() => powNonNegative(x, 2.5));
    x.dispose();
  });
});
