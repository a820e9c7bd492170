import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '@xent/core';
import { expectClose, expectNoLeak } from '@xent/testing';
import { describe, it } from 'vitest';

describe('stopGradient', () => {
  it('passes the value and blocks the gradient', () => {
    const x = tf.tensor([1, -2, 3]);
    expectClose(stopGradient(x), [1, -2, 3]);
    // d/dx [x · sg(x)] = sg(x), not 2x.
    expectClose(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t))))(x), [1, -2, 3]);
    // Detached weights: d/dx Σ relu(sg(x))·x = relu(x).
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, tf.relu(stopGradient(t)))))(x);
    expectClose(g, [1, 0, 3]);
    expectNoLeak(() => stopGradient(x));
    x.dispose();
  });
});
