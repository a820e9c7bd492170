import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize, safeSqrt } from '@xent/core';

/** ‖x‖_p = (Σ |x|^p)^(1/p) along the last axis, with a zero gradient where the norm is 0. */
export function lpNorm(x: tf.Tensor, p: number, keepDims = false): tf.Tensor {
  return tf.tidy(() => {
    if (p === 1) return tf.sum(tf.abs(x), -1, keepDims);
    if (p === 2) return safeSqrt(tf.sum(tf.square(x), -1, keepDims));
    const sum = tf.sum(tf.pow(tf.abs(x), p), -1, keepDims);
    // step(sum) = 1[sum > 0] with a zero gradient; the root's gradient is infinite at 0, so use 1 there.
    const positive = tf.step(sum);
    const safe = tf.add(tf.mul(sum, positive), tf.sub(1, positive));
    return tf.mul(tf.pow(safe, 1 / p), positive);
  });
}

/**
 * Rows scaled to unit L_p norm, x / max(‖x‖_p, ε) — PyTorch's `F.normalize(x, p)`, which PML's
 * distances apply with their own p.
 */
export function lpNormalize(x: tf.Tensor, p: number, epsilon = 1e-12): tf.Tensor {
  if (p === 2) return l2Normalize(x, epsilon);
  return tf.tidy(() => tf.div(x, tf.maximum(lpNorm(x, p, true), epsilon)));
}
