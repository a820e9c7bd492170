import * as tf from '@tensorflow/tfjs-core';
import { detached, oneHot, readSyncIfPossible, segmentSum } from '@xent/core';

/**
 * Detached m_b = max(0, max over segment b's weighted entries of x); 0 for a segment with none.
 * O(M) on the host where the backend reads synchronously; else on the device through a `[M, S]`
 * one-hot (one product and one max).
 */
function segmentShift(x: tf.Tensor, weights: tf.Tensor, ids: tf.Tensor, numSegments: number): tf.Tensor {
  const values = readSyncIfPossible(x);
  if (values !== undefined) {
    const w = weights.dataSync();
    const segment = ids.dataSync();
    const shift = new Float32Array(numSegments);
    for (let i = 0; i < values.length; i++) {
      const s = segment[i]!;
      if (w[i]! > 0 && values[i]! > shift[s]!) shift[s] = values[i]!;
    }
    return tf.tensor1d(shift);
  }
  // Lift the weighted entries to ≥ 1 and zero the rest, so max over owner·lifted finds each segment's max.
  const floor = tf.sub(tf.min(x), 1);
  const lifted = tf.mul(tf.sub(x, floor), tf.step(weights));
  const segmentMax = tf.max(tf.mul(oneHot(ids, numSegments), tf.expandDims(lifted, 1)), 0); // 0 where empty
  return tf.mul(tf.relu(tf.add(segmentMax, floor)), tf.step(segmentMax));
}

/**
 * log(1 + Σ_{u : ids_u = b} w_u·exp(x_u)) for every segment b, from per-entry `x` and `weights`
 * (float32 `[M]`, w ≥ 0; zero weights drop out) and segment `ids` (int32 `[M]` in [0, numSegments)):
 * O(M) work, no dense `[S, M]` logit matrix. Stable for any x: each segment is shifted by its own
 * detached m_b, ℓ_b = m_b + log(e^{−m_b} + Σ w_u·e^{x_u − m_b}); an empty segment gives 0 with a zero
 * gradient.
 */
export function segmentLogOnePlusSumExp(
  x: tf.Tensor,
  weights: tf.Tensor,
  ids: tf.Tensor,
  numSegments: number,
): tf.Tensor {
  const shift = detached((v, w) => segmentShift(v, w, ids, numSegments), x, weights); // [S]
  const entryShift = detached((s) => tf.gather(s, ids), shift); // [M]
  // x − m ≤ 0 for weighted entries; zero-weight ones are zeroed before exp (0·e^{+large} would be NaN).
  const terms = tf.mul(weights, tf.exp(tf.mul(tf.sub(x, entryShift), tf.step(weights))));
  return tf.add(shift, tf.log(tf.add(tf.exp(tf.neg(shift)), segmentSum(terms, ids, numSegments))));
}
