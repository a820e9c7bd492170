import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from '@xent/core';

/**
 * Runs `fn` as one opaque step with a zero gradient for every input: index selection (top-k,
 * comparisons) computed from tracked tensors. Unlike `stopGradient(x)` followed by the ops, the ops
 * inside are not recorded on the tape, so comparisons (which have no gradient in tfjs) are allowed.
 */
export function detached(inputs: tf.Tensor[], fn: (...inputs: tf.Tensor[]) => tf.Tensor): tf.Tensor {
  const op = customGradient<tf.Tensor[]>((args) => ({
    value: fn(...args),
    // float32 zeros even for int32 inputs (tfjs requires float gradients).
    gradFunc: () => args.map((a) => tf.zeros(a.shape, 'float32')),
  }));
  return op(...inputs);
}
