import * as tf from '@tensorflow/tfjs-core';
import { isClassIds, log1mExp, pickClass } from '@xent/core';

/**
 * The expectation of f(x) under the labels, per row: f(x[i, yᵢ]) for int32 ids (a gather, no [N, C]
 * work after it), Σ_c t_ic·f(x_ic) for float targets. `classWeights` `[C]` weights class c by w_c.
 */
export function targetExpectation(
  x: tf.Tensor,
  labels: tf.Tensor,
  f: (values: tf.Tensor) => tf.Tensor = (values) => values,
  classWeights?: tf.Tensor,
): tf.Tensor {
  if (isClassIds(labels)) {
    const picked = f(pickClass(x, labels));
    return classWeights ? tf.mul(picked, tf.gather(classWeights, labels)) : picked;
  }
  const weights = classWeights ? tf.mul(labels, classWeights) : labels;
  return tf.sum(tf.mul(weights, f(x)), -1);
}

/**
 * Largest log-probability the complement is taken at: float32 log-softmax cannot resolve
 * 1 − p below ~1e-7, and log(1 − p) must stay finite (its gradient too).
 */
const MAX_LOG_PROB = -1e-7;

/** log(1 − p) from log p, stable for p → 0 and finite (≈ log 1e-7) as p → 1. */
export function logComplement(logProb: tf.Tensor): tf.Tensor {
  return log1mExp(tf.minimum(logProb, MAX_LOG_PROB));
}
