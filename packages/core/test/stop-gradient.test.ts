import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '@xent/core';
import { expectCloseAsync, expectNoLeak } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { it } from 'vitest';

describeBackends(['cpu', 'wasm', 'webgpu'], () => {
  it('passes values through and blocks the gradient', async () => {
    const x = tf.tensor([1, -2, 3]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(tf.square(t))));
    const value = f(x);
    await expectCloseAsync(value, 1 - 8 + 27);
    const grad = tf.grad(f)(x);
    await expectCloseAsync(grad, [1, 4, 9]);
    expectNoLeak(() => tf.grad(f)(x));
    tf.dispose([x, value, grad]);
  });
});
