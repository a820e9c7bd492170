import * as tf from '@tensorflow/tfjs-core';
import { squaredL2, stopGradient } from '@xent/core';

/**
 * The few-shot papers' distance √(‖x − y‖² + 10⁻⁶): smooth everywhere, never exactly 0. Computed as
 * s·√(‖x/s − y/s‖² + 10⁻⁶/s²) with the constant s = max(1, max |x|, max |y|): identical for ordinary
 * embeddings (s = 1), and finite for embeddings near 1e19, where ‖x − y‖² overflows float32 although
 * the distance does not.
 */
export function smoothDistance(a: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const largest = b === undefined ? tf.max(tf.abs(a)) : tf.maximum(tf.max(tf.abs(a)), tf.max(tf.abs(b)));
    const s = stopGradient(tf.maximum(largest, 1));
    const floor = tf.maximum(tf.div(1e-6, tf.square(s)), 1e-30);
    const scaled = squaredL2(tf.div(a, s), b === undefined ? undefined : tf.div(b, s));
    return tf.mul(tf.sqrt(tf.add(scaled, floor)), s);
  });
}
