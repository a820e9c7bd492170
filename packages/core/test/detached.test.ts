import * as tf from '@tensorflow/tfjs';
import { detached } from '@xent/core';
import { expectClose, expectNoLeak } from '@xent/testing';
import { describe, it } from 'vitest';

describe('detached', () => {
  it('computes fn(x) and passes a zero gradient, even through comparisons', () => {
    const x = tf.tensor([[1, -2, 3]]);
    const mask = detached((v) => tf.cast(tf.greater(v, 0), 'float32'), x);
    expectClose(mask, [[1, 0, 1]]);
    // d/dx Σ x·mask(x) = mask (the mask is a constant).
    const grad = tf.grad((v: tf.Tensor) =>
      tf.sum(
        tf.mul(
          v,
          detached((u) => tf.cast(tf.greater(u, 0), 'float32'), v),
        ),
      ),
    )(x);
    expectClose(grad, [[1, 0, 1]]);
  });
  it('leaks nothing', () => {
    const x = tf.tensor([1, 2]);
    expectNoLeak(() => detached((v) => tf.square(v), x)).dispose();
    x.dispose();
  });
});
