import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * Sums the rows of `values` that share a segment id, `out[s] = Σ_{i : ids_i = s} values[i]`
 * (`tf.unsortedSegmentSum`), differentiable on every backend: it is the transpose of
 * {@link gatherRowsSparse}, a `scatterND` forward (duplicate ids add up) and a gather backward, both
 * O(K·D). tfjs-wasm 4.22 has no `UnsortedSegmentSum` kernel, and tfjs's gather gradient needs one.
 *
 * @param values any rank ≥ 1, `[K, ...]`.  @param segmentIds int32 `[K]` in [0, numSegments).
 * @param numSegments the number of segments S.
 * @returns `[S, ...values.shape.slice(1)]`; a segment with no rows is 0.
 */
export function segmentSum(values: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  // customGrad casts its inputs to float32; carry the ids as exact floats and cast back.
  const floatIds = tf.cast(segmentIds, 'float32');
  const result = segmentSumOp(numSegments)(values, floatIds);
  floatIds.dispose();
  return result;
}

const segmentSumOp = (numSegments: number) =>
  customGradient<[tf.Tensor, tf.Tensor]>(([values, floatIds], save) => {
    const shape = [numSegments, ...values.shape.slice(1)];
    const count = floatIds.shape[0]!;
    save([floatIds]);
    const value = tf.tidy(() =>
      count === 0
        ? tf.zeros(shape)
        : tf.scatterND(tf.reshape(tf.cast(floatIds, 'int32'), [count, 1]), values, shape),
    );
    return {
      value,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [ids] = saved as [tf.Tensor];
          return [tf.gather(dy, tf.cast(ids, 'int32')), tf.zeros(ids.shape)];
        }),
    };
  });
