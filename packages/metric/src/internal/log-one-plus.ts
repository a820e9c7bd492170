import * as tf from '@tensorflow/tfjs-core';
import { logSumExp } from '@xent/core';

/** Stands in for "excluded" before the masked log-sum-exp. */
const EXCLUDED = 1e30;

/**
 * Masked log Σ exp along the last axis (−∞ with a zero gradient for an empty row), robust to large
 * values in the masked-out entries. Core's `logSumExp` with a mask computes exp(x − max over the
 * selected entries) for every entry before multiplying by the mask, so a masked-out entry ~90 above
 * the selected maximum overflows to ∞·0 = NaN; here those entries are first replaced by −10³⁰
 * (arithmetically, so a mask built with `step` stays differentiable).
 */
export function maskedLogSumExp(x: tf.Tensor, mask: tf.Tensor, keepDims = false): tf.Tensor {
  const filled = tf.sub(tf.mul(x, mask), tf.mul(tf.sub(1, mask), EXCLUDED));
  return logSumExp(filled, { axis: -1, mask, keepDims });
}

/**
 * log(1 + Σⱼ maskᵢⱼ·exp(xᵢⱼ)) per row, stably: softplus of the masked log-sum-exp. A row with an
 * empty mask gives softplus(−∞) = 0 with a zero gradient (PML's `logsumexp(…, add_one=True)`).
 */
export function logOnePlusSumExp(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.softplus(maskedLogSumExp(x, mask));
}

/**
 * Masked log Σ exp along the last axis with 0 (and a zero gradient) for a row whose mask is empty —
 * PML's `lmu.logsumexp(…, add_one=False)`, which overwrites empty rows with 0.
 */
export function maskedLogSumExpOrZero(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const filled = tf.sub(tf.mul(x, mask), tf.mul(tf.sub(1, mask), EXCLUDED));
    const any = tf.step(tf.sum(mask, -1));
    return tf.mul(tf.logSumExp(filled, -1), any);
  });
}
