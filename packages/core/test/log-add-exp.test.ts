import * as tf from '@tensorflow/tfjs';
import { logAddExp } from '@xent/core';
import { expectClose, expectNoLeak, gradCheck } from '@xent/testing';
import { describe, expect, it } from 'vitest';

const reference = (a: number, b: number) => {
  const high = Math.max(a, b);
  return high + Math.log(Math.exp(a - high) + Math.exp(b - high));
};

describe('logAddExp', () => {
  const a = [0, -3, 50, -200, 1e3, 2];
  const b = [0, 4, 49, -200.5, 1e3 - 1, 2];
  it('matches log(eᵃ + eᵇ) in float64 for any magnitude', () => {
    expectClose(
      logAddExp(tf.tensor(a), tf.tensor(b)),
      a.map((v, i) => reference(v, b[i]!)),
      { rtol: 1e-6 },
    );
  });
  it('returns the other argument where one is −∞, with a finite gradient', () => {
    const x = tf.tensor([Number.NEGATIVE_INFINITY, 2]);
    const y = tf.tensor([-1.5, Number.NEGATIVE_INFINITY]);
    expectClose(logAddExp(x, y), [-1.5, 2]);
    const [dx, dy] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(logAddExp(p, q)))([x, y]);
    expectClose(dx!, [0, 1]);
    expectClose(dy!, [1, 0]);
  });
  it('has the gradient σ(a − b), σ(b − a) — ½ each at a tie', () => {
    gradCheck({
      fn: (p, q) => tf.sum(logAddExp(p, q)),
      reference: (p, q) => (p as number[]).reduce((s, v, i) => s + reference(v, (q as number[])[i]!), 0),
      at: [
        [0, -3, 5, 0.25],
        [0, 4, 4.5, 0.25],
      ],
    });
    const [dx] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(logAddExp(p, q)))([
      tf.tensor([1]),
      tf.tensor([1]),
    ]);
    expect(dx!.dataSync()[0]).toBeCloseTo(0.5, 6);
  });
  it('leaks nothing', () => {
    const x = tf.tensor([1, 2]);
    expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(logAddExp(t, x)))(x));
    x.dispose();
  });
});
