import * as tf from '@tensorflow/tfjs-core';
import { rowLogSumExp } from '@xent/core';

/** Added to the entries a mask leaves out: e^{x − 10³⁰} is exactly 0 in float32. */
const EXCLUDED = 1e30;

/**
 * log Σⱼ maskᵢⱼ·exp(xᵢⱼ) per row of `[B, M]` (0/1 `mask`), with 0 and a zero gradient for a row whose
 * mask is empty (PML's `logsumexp(…, add_one=False)`). Few kernels on the gradient tape: one add of a
 * constant −10³⁰ penalty, core's {@link rowLogSumExp} (whose backward pass is one softmax) and one
 * multiply, against ~10 taped `[B, M]` ops of a mask-multiply-and-`tf.logSumExp` formulation.
 * `rows` (optional, `[B]` 0/1) is the precomputed "row has an entry" flag.
 */
export function maskedRowLogSumExp(x: tf.Tensor, mask: tf.Tensor, rows?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const penalty = tf.mul(tf.sub(mask, 1), EXCLUDED);
    const any = rows ?? tf.step(tf.sum(mask, -1));
    return tf.mul(rowLogSumExp(tf.add(x, penalty)), any);
  });
}
