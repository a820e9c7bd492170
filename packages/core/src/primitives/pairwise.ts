import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';
import { matMulBT } from './mat-mul-bt.js';

/** Rows scaled to unit L2 norm: x / max(‖x‖, ε). */
export function l2Normalize(x: tf.Tensor, epsilon = 1e-12): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), -1, true), epsilon * epsilon))));
}

/**
 * Pairwise dot products `a·bᵀ`: `[N, D] × [M, D] → [N, M]` (`b` defaults to `a`). Computed with
 * {@link matMulBT} (plain matmuls forward and backward: ~4× faster fwd+bwd on tfjs-wasm).
 */
export function dotProduct(a: tf.Tensor, b: tf.Tensor = a): tf.Tensor {
  return matMulBT(a, b);
}

/** Pairwise cosine similarity `[N, M]`: rows normalised with {@link l2Normalize}, then dot products. */
export function cosineSimilarity(a: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const na = l2Normalize(a);
    return dotProduct(na, b === undefined ? na : l2Normalize(b));
  });
}

/**
 * Pairwise squared Euclidean distance `[N, M]`: ‖aᵢ‖² + ‖bⱼ‖² − 2 aᵢ·bⱼ, clamped at 0. With `b` omitted
 * the diagonal is exactly 0 (and has a zero gradient).
 */
export function squaredL2(a: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const other = b ?? a;
    const aa = tf.sum(tf.square(a), -1, true);
    const bb = tf.reshape(tf.sum(tf.square(other), -1), [1, other.shape[0]!]);
    const distances = tf.relu(tf.sub(tf.add(aa, bb), tf.mul(dotProduct(a, other), 2)));
    if (b !== undefined) return distances;
    const offDiagonal = tf.sub(1, tf.eye(a.shape[0]!));
    return tf.mul(distances, offDiagonal);
  });
}

/** √x with a zero gradient where x = 0 (instead of +∞), so distances of identical points are trainable. */
export const safeSqrt: (x: tf.Tensor) => tf.Tensor = customGradient<[tf.Tensor]>(([x], save) => {
  const value = tf.sqrt(x);
  save([value]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const [root] = saved as [tf.Tensor];
      const positive = tf.greater(root, 0);
      const safeRoot = tf.where(positive, root, tf.onesLike(root));
      return tf.where(positive, tf.div(tf.mul(dy, 0.5), safeRoot), tf.zerosLike(root));
    },
  };
});

/** Pairwise Euclidean distance `[N, M]` with a finite (zero) gradient at zero distance. */
export function l2Distance(a: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => safeSqrt(squaredL2(a, b)));
}
