import * as tf from '@tensorflow/tfjs-core';

/**
 * Ids clamped on device to [0, size − 1] (same dtype, no gradient): what a gather or scatter may read
 * or write when data checks are off (`validate: false`). An out-of-range id then stands for the
 * nearest valid one — the call's value is not meaningful, but no backend reads or writes out of
 * bounds (tfjs-wasm does not check, and a bad scatter corrupts its heap for later calls). Two
 * elementwise ops on `[N]`.
 *
 * @example const safe = clampIds(labels, numClasses);
 */
export function clampIds(ids: tf.Tensor, size: number): tf.Tensor {
  return tf.tidy(() =>
    tf.minimum(tf.maximum(ids, tf.scalar(0, ids.dtype)), tf.scalar(Math.max(size - 1, 0), ids.dtype)),
  );
}
