import * as tf from '@tensorflow/tfjs';
import { accumulateSum, consume } from '@xent/core';
import { expectCloseAsync, expectNoLeakAsync } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';

describeBackends(['cpu', 'wasm'], () => {
  it('consume returns f(x), disposes x and every intermediate of f', async () => {
    await expectNoLeakAsync(async () => {
      const x = tf.tensor1d([1, 2, 3]);
      const y = consume(x, (t) => tf.exp(tf.mul(t, 2)));
      expect(x.isDisposed).toBe(true);
      await expectCloseAsync(
        y,
        [1, 2, 3].map((v) => Math.exp(2 * v)),
        { rtol: 1e-6 },
      );
      return y;
    });
  });

  it('a chain of consume steps keeps at most the current input and output alive', () => {
    const before = tf.memory().numTensors;
    let peak = 0;
    const step = (t: tf.Tensor) => {
      const out = tf.add(tf.mul(t, 2), 1);
      peak = Math.max(peak, tf.memory().numTensors - before);
      return out;
    };
    const out = consume(consume(consume(tf.ones([4]), step), step), step);
    // Inside a step: its input, the product and the sum (the product is disposed on return).
    expect(peak).toBe(3);
    expect(tf.memory().numTensors - before).toBe(1);
    out.dispose();
  });

  it('accumulateSum adds blocks, disposing the old sum and the block; the first block is the sum', async () => {
    await expectNoLeakAsync(async () => {
      const first = tf.tensor1d([1, 2]);
      let total = accumulateSum(undefined, first);
      expect(total).toBe(first);
      const second = tf.tensor1d([10, 20]);
      total = accumulateSum(total, second);
      expect(first.isDisposed && second.isDisposed).toBe(true);
      await expectCloseAsync(total, [11, 22]);
      return total;
    });
  });
});
