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
      // 0.5·dy/√x where √x > 0, else 0, as arithmetic: step(√x) = 1[√x > 0] is the mask, and
      // √x + (1 − mask) is exactly √x or 1 (no division by 0; (√x + 1) − mask would round a tiny √x
      // to 0). On tfjs-wasm a comparison takes ~1.9 ms and a `where` ~1.2 ms on [512, 1024], ~20× an
      // elementwise multiply (0.06–0.1 ms): this pass went from ~6 ms to ~0.6 ms there.
      const positive = tf.step(root);
      return tf.div(tf.mul(tf.mul(dy, 0.5), positive), tf.add(root, tf.sub(1, positive)));
    },
  };
});

/** Pairwise Euclidean distance `[N, M]` with a finite (zero) gradient at zero distance. */
export function l2Distance(a: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => safeSqrt(squaredL2(a, b)));
}
