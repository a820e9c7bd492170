import * as tf from '@tensorflow/tfjs';
import { matMulBT } from '@xent/core';
import { expectCloseAsync, expectNoLeak, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';

describeBackends(['cpu', 'wasm'], () => {
  it('equals matMul(a, b, false, true) in value and gradient, also with a = b', async () => {
    const a = tf.tensor(randomNormal([4, 3], 1) as number[][]);
    const b = tf.tensor(randomNormal([5, 3], 2) as number[][]);
    const w = tf.tensor(randomNormal([4, 5], 3) as number[][]);
    await expectCloseAsync(matMulBT(a, b), tf.matMul(a, b, false, true));
    const f = (mm: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(mm(x, y), w));
    const [ga, gb] = tf.grads(f(matMulBT))([a, b]);
    const [ea, eb] = tf.grads(f((x, y) => tf.matMul(x, y, false, true)))([a, b]);
    await expectCloseAsync(ga!, ea!);
    await expectCloseAsync(gb!, eb!);
    const self = tf.grad((x: tf.Tensor) => tf.sum(tf.square(matMulBT(x, x))))(a);
    const expected = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, x, false, true))))(a);
    await expectCloseAsync(self, expected, { atol: 1e-4 });
    expectNoLeak(() => matMulBT(a, b));
    tf.dispose([a, b, w, ga!, gb!, ea!, eb!, self, expected]);
  });

  it('computes only the gradients autodiff asks for: a constant b costs no backward matmul', async () => {
    const a = tf.tensor(randomNormal([4, 3], 4) as number[][]);
    const b = tf.tensor(randomNormal([6, 3], 5) as number[][]);
    const w = tf.tensor(randomNormal([4, 6], 6) as number[][]);
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(matMulBT(x, b), w));
    const ga = tf.grad(loss)(a);
    const ea = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, b, false, true), w)))(a);
    await expectCloseAsync(ga, ea);
    const matmuls = async (fn: () => tf.Tensor) =>
      (await tf.profile(fn)).kernels.filter((k) => k.name === 'BatchMatMul').length;
    // Forward and ∂a only; both inputs: forward, ∂a and ∂b.
    expect(await matmuls(() => tf.grad(loss)(a))).toBe(2);
    const both = () => {
      const [gx, gy] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMulBT(x, y)))([a, b]);
      gy!.dispose();
      return gx!;
    };
    expect(await matmuls(both)).toBe(3);
    expectNoLeak(() => tf.grad(loss)(a));
    tf.dispose([a, b, w, ga, ea]);
  });
});
