import * as tf from '@tensorflow/tfjs-core';
import type { Reduction } from './options.js';
import { saturateFloat32 } from './primitives/float32-range.js';

/**
 * Reduces per-example losses `[N]` with optional per-example `weights` `[N]` (ignored rows carry
 * weight 0):
 * - `'none'`: wᵢ·ℓᵢ (ℓᵢ when no weights);
 * - `'sum'`: Σ wᵢ·ℓᵢ;
 * - `'mean'`: Σ wᵢ·ℓᵢ / Σ wᵢ (the plain mean without weights), and exactly 0 — with a zero gradient —
 *   when Σ wᵢ = 0 (say, every row ignored).
 *
 * The plain mean divides before it sums (on every backend, as tfjs's cpu kernel does), so it is finite
 * whenever the mean is; a sum beyond float32 saturates at ±FLOAT32_MAX instead of ±Infinity.
 */
export function reduceLosses(losses: tf.Tensor, reduction: Reduction, weights?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (weights === undefined) {
      if (reduction === 'none') return tf.clone(losses);
      if (reduction === 'sum') return saturateFloat32(tf.sum(losses));
      return losses.size === 0 ? tf.mean(losses) : saturateFloat32(tf.sum(tf.div(losses, losses.size)));
    }
    const weighted = tf.where(tf.greater(weights, 0), tf.mul(losses, weights), tf.zerosLike(losses));
    if (reduction === 'none') return weighted;
    const total = saturateFloat32(tf.sum(weighted));
    if (reduction === 'sum') return total;
    const weightSum = tf.sum(weights);
    return tf.div(total, tf.where(tf.greater(weightSum, 0), weightSum, tf.onesLike(weightSum)));
  });
}
