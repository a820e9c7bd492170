import * as tf from '@tensorflow/tfjs';
import { expectNoLeak } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import { FLOAT32_MAX, reduceLosses, saturateFloat32, scaledSquareSum } from '../src/index.js';

describeBackends(['cpu', 'wasm'], (backend) => {
  it(`scaledSquareSum is finite wherever its result is, and saturates beyond (${backend})`, () => {
    expectNoLeak(() =>
      tf.tidy(() => {
        // Mean square of [1.5e19, 1.5e19, 0]: the squares overflow float32, the mean (1.5e38) does not.
        const x = tf.tensor2d([
          [1.5e19, -1.5e19, 0],
          [1, 2, 3],
          [3e38, 0, 0],
        ]);
        const value = scaledSquareSum(x, 1 / 3).dataSync();
        expect(value[0]! / 1.5e38).toBeCloseTo(1, 5);
        expect(value[1]).toBeCloseTo(14 / 3, 5);
        expect(value[2]).toBe(Math.fround(FLOAT32_MAX));
        const w = tf.tensor2d([
          [1, 0, 1],
          [0.5, 0.5, 0],
          [1, 1, 1],
        ]);
        const weighted = scaledSquareSum(x, 0.5, w).dataSync();
        expect(weighted[0]! / 1.125e38).toBeCloseTo(1, 5);
        expect(weighted[1]).toBeCloseTo(0.25 * 5, 5);
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(scaledSquareSum(a, 0.5, b)))([x, w]);
        const dx = gx!.arraySync() as number[][];
        const dw = gw!.arraySync() as number[][];
        // ∂/∂x = scale·2·w·x, ∂/∂w = scale·x², both clipped to float32.
        expect(dx[0]![0]! / 1.5e19).toBeCloseTo(1, 5);
        expect(dx[1]).toEqual([0.5, 1, 0].map((v) => expect.closeTo(v, 5)));
        expect(dx[2]![0]! / 3e38).toBeCloseTo(1, 5);
        expect(dw[1]).toEqual([0.5, 2, 4.5].map((v) => expect.closeTo(v, 5)));
        expect(dw[2]![0]).toBe(Math.fround(FLOAT32_MAX));
        expect(scaledSquareSum(tf.zeros([2, 0]), 1).arraySync()).toEqual([0, 0]);
      }),
    );
  });

  it(`saturateFloat32 clips ±Infinity with an identity gradient; reductions saturate (${backend})`, () => {
    expectNoLeak(() =>
      tf.tidy(() => {
        const x = tf.tensor1d([Number.POSITIVE_INFINITY, -1, Number.NEGATIVE_INFINITY]);
        expect(Array.from(saturateFloat32(x).dataSync())).toEqual(
          [FLOAT32_MAX, -1, -FLOAT32_MAX].map(Math.fround),
        );
        expect(
          Array.from(
            tf
              .grad((t: tf.Tensor) => tf.sum(saturateFloat32(t)))(x)
              .dataSync(),
          ),
        ).toEqual([1, 1, 1]);
        const big = tf.tensor1d([3e38, 3e38]);
        // The mean divides first (finite on wasm too); the sum saturates.
        expect(reduceLosses(big, 'mean').dataSync()[0]! / 3e38).toBeCloseTo(1, 6);
        expect(reduceLosses(big, 'sum').dataSync()[0]).toBe(Math.fround(FLOAT32_MAX));
        expect(reduceLosses(big, 'sum', tf.ones([2])).dataSync()[0]).toBe(Math.fround(FLOAT32_MAX));
        expect(reduceLosses(tf.tensor1d([1, 2, 4]), 'mean').dataSync()[0]).toBeCloseTo(7 / 3, 6);
      }),
    );
  });
});
