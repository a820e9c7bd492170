import * as tf from '@tensorflow/tfjs';
import { gatherRowsSparse } from '@xent/core';
import { expectCloseAsync, expectNoLeak } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { it } from 'vitest';

describeBackends(['cpu', 'wasm'], () => {
  it('gathers rows and scatters the gradient, duplicates adding up', async () => {
    const x = tf.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    await expectCloseAsync(gatherRowsSparse(x, ids), [
      [5, 6],
      [1, 2],
      [5, 6],
    ]);
    const w = tf.tensor([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRowsSparse(t, ids), w)))(x);
    await expectCloseAsync(grad, [
      [2, 2],
      [0, 0],
      [4, 4],
    ]);
    const empty = tf.grad((t: tf.Tensor) => tf.sum(gatherRowsSparse(t, tf.tensor1d([], 'int32'))))(x);
    await expectCloseAsync(empty, tf.zeros([3, 2]));
    expectNoLeak(() => gatherRowsSparse(x, ids));
    tf.dispose([x, ids, w, grad, empty]);
  });
});
