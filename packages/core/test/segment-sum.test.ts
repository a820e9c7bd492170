import * as tf from '@tensorflow/tfjs';
import { segmentSum } from '@xent/core';
import { expectCloseAsync, expectNoLeak, gradCheckAsync } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { it } from 'vitest';

const values = [
  [1, 2],
  [3, 4],
  [5, 6],
  [7, 8],
];
const ids = [2, 0, 2, 3];

/** The segment sums as a float64 loop (5 segments: 1 and 4 stay empty). */
function reference(v: number[][], segments = 5): number[][] {
  const out = Array.from({ length: segments }, () => [0, 0]);
  v.forEach((row, i) => {
    row.forEach((value, d) => {
      out[ids[i]!]![d]! += value;
    });
  });
  return out;
}

describeBackends(['cpu', 'wasm', 'webgpu'], () => {
  it('sums rows per segment (duplicates add up, empty segments 0) and gathers the gradient back', async () => {
    const segmentIds = tf.tensor1d(ids, 'int32');
    await expectCloseAsync(segmentSum(tf.tensor(values), segmentIds, 5), reference(values));
    // Weighted sum of the output: the gradient of row i is the weight row of its segment.
    const weights = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ];
    await gradCheckAsync({
      fn: (v) => tf.sum(tf.mul(segmentSum(v, segmentIds, 5), weights)),
      reference: (v) =>
        reference(v as number[][]).reduce(
          (s, row, k) => s + row.reduce((t, value, d) => t + value * weights[k]![d]!, 0),
          0,
        ),
      at: [values],
    });
    const empty = tf.grad((v: tf.Tensor) => tf.sum(segmentSum(v, tf.tensor1d([], 'int32'), 3)))(
      tf.zeros([0, 2]),
    );
    await expectCloseAsync(empty, tf.zeros([0, 2]));
    await expectCloseAsync(segmentSum(tf.zeros([0, 2]), tf.tensor1d([], 'int32'), 3), tf.zeros([3, 2]));
    const input = tf.tensor(values);
    expectNoLeak(() => segmentSum(input, segmentIds, 5));
    tf.dispose([input, segmentIds, empty]);
  });
});
