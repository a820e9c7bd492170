import * as tf from '@tensorflow/tfjs-core';
import { log1mExp } from '@xent/core';

/**
 * Largest log-probability the complement is taken at: float32 log-softmax cannot resolve 1 − p below
 * ~1e-7, and log(1 − p) must stay finite (its gradient too).
 */
const MAX_LOG_PROB = -1e-7;

/** log(1 − p) from log p, stable for p → 0 and finite (≈ log 1e-7) as p → 1. */
export function logComplement(logProb: tf.Tensor): tf.Tensor {
  return log1mExp(tf.minimum(logProb, MAX_LOG_PROB));
}
