import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak } from '@xent/testing';
import { describe, it } from 'vitest';
import { stopGradient } from '../src/index.js';

describe('stopGradient', () => {
  it('is the identity forward and has a zero gradient', () => {
    const x = tf.tensor([1, -2, 3]);
    expectClose(stopGradient(x), [1, -2, 3]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.mul(stopGradient(t), t), t)))(x);
    // d/dt Σ (c·t + t) with c = t held constant: c + 1.
    expectClose(grad, [2, -1, 4]);
    expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(stopGradient(t)))(x));
    x.dispose();
  });
});
