import * as tf from '@tensorflow/tfjs-core';
import { squaredL2 } from '@xent/core';

/** The few-shot papers' distance √(‖x − y‖² + 10⁻⁶): smooth everywhere, never exactly 0. */
export function smoothDistance(a: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.add(squaredL2(a, b), 1e-6));
}
