import * as tf from '@tensorflow/tfjs-core';

/**
 * Largest `N·V` the automatic choice computes densely (64 Ki logits, 256 KiB of float32: below one
 * chunked tile, {@link TILE_BUDGET} = 256 Ki). There the few `N × V` tensors of plain autodiff cost less
 * than the chunked path's fixed per-call work (its custom gradient, host reads for filtering, per-block
 * ops), which made it up to ~2× slower than dense at N = 16, V = 1000.
 */
export const DENSE_LIMIT = 2 ** 16;

/** The per-row losses (0 on ignored rows) with plain tfjs ops over the full `[N, V]` logits; autodiff gives the gradients. */
export function denseRows(
  e: tf.Tensor2D,
  c: tf.Tensor2D,
  y: tf.Tensor1D,
  valid: tf.Tensor1D,
  bias: tf.Tensor1D | undefined,
  options: { readonly softcap: number; readonly labelSmoothing: number; readonly logZPenalty: number },
): tf.Tensor1D {
  const v = c.shape[0];
  const { softcap, labelSmoothing: alpha, logZPenalty: lambda } = options;
  let z: tf.Tensor = tf.matMul(e, c, false, true);
  if (bias) z = tf.add(z, bias);
  if (softcap > 0) z = tf.mul(tf.tanh(tf.div(z, softcap)), softcap);
  const lse = tf.logSumExp(z, 1);
  // Out-of-range (ignored) targets select nothing: an all-zero one-hot row.
  const hot = tf.oneHot(tf.where(tf.equal(valid, 1), y, tf.fill(y.shape, -1, 'int32')) as tf.Tensor1D, v);
  const zy = tf.sum(tf.mul(z, tf.cast(hot, 'float32')), 1);
  let loss = tf.sub(lse, tf.mul(zy, 1 - alpha));
  if (alpha > 0) loss = tf.sub(loss, tf.mul(tf.sum(z, 1), alpha / v));
  if (lambda > 0) loss = tf.add(loss, tf.mul(tf.square(lse), lambda));
  return tf.mul(loss, valid) as tf.Tensor1D;
}
