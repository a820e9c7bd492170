import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * float32 one-hot rows `[N, depth]` for int32 `ids` `[N]`. (tfjs-wasm 4.22 returns bit-cast garbage
 * for `tf.oneHot(ids, depth, 1, 0, 'float32')`; this casts the int32 result instead.) Any depth ≥ 0,
 * including 1 (tf.oneHot needs ≥ 2); ids outside [0, depth) give a zero row.
 */
export function oneHot(ids: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() => {
    // tf.oneHot throws for depth < 2 (C = 1 classes, a one-example batch); compare against the range.
    if (depth < 2)
      return tf.cast(tf.equal(tf.expandDims(ids, -1), tf.range(0, depth, 1, 'int32')), 'float32');
    return tf.cast(tf.oneHot(ids, depth), 'float32');
  });
}

/**
 * Row gather `x[indices]`: `[B, D]` × int32 `[K]` → `[K, D]`, differentiable on every backend.
 * (tfjs's gather gradient needs `UnsortedSegmentSum`, which tfjs-wasm 4.22 lacks.) The gradient is
 * one-hot(indices)ᵀ · dy, a `[K, B]` × `[K, D]` product.
 */
export function gatherRows(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const rows = x.shape[0]!;
  const op = customGradient<[tf.Tensor, tf.Tensor]>(([input, idx], save) => {
    save([idx]);
    return {
      value: tf.gather(input, idx),
      gradFunc: (dy, [savedIdx]) => {
        const flatDy = tf.reshape(dy, [dy.shape[0]!, -1]);
        const dx = tf.matMul(oneHot(savedIdx!, rows), flatDy, true, false);
        return [tf.reshape(dx, x.shape), tf.zeros(savedIdx!.shape)];
      },
    };
  });
  return op(x, indices);
}

/**
 * Row-wise pick `x[i, ids[i]]`: `[N, C]` × int32 `[N]` → `[N]`, without a one-hot in the forward pass;
 * the gradient places dy[i] at column ids[i] of row i.
 */
export function pickClass(x: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const [rows, cols] = x.shape as [number, number];
  const op = customGradient<[tf.Tensor, tf.Tensor]>(([input, idx], save) => {
    save([idx]);
    const flatIndex = tf.tidy(() =>
      tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(cols, 'int32')), idx),
    );
    const value = tf.gather(tf.reshape(input, [rows * cols]), flatIndex);
    flatIndex.dispose();
    return {
      value,
      gradFunc: (dy, [savedIdx]) => [
        tf.mul(oneHot(savedIdx!, cols), tf.expandDims(dy, 1)),
        tf.zeros(savedIdx!.shape),
      ],
    };
  });
  return op(x, ids);
}
