import type * as tf from '@tensorflow/tfjs-core';
import { XentError } from './errors.js';
import { describeTensor } from './tensor-input.js';

/**
 * Throws `SHAPE_MISMATCH` unless the class axis (the last) of `tensor` has at least `min` entries:
 * for losses that are 0/0 with a single class (normalised losses, target/non-target splits, a
 * standard deviation over classes).
 */
export function checkMinClasses(fn: string, argument: string, tensor: tf.Tensor, min = 2): void {
  const classes = tensor.rank === 0 ? 0 : tensor.shape[tensor.rank - 1]!;
  if (classes < min) {
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument,
      expected: `float32 [${tensor.rank > 1 ? 'N, ' : ''}C] with C ≥ ${min}`,
      received: describeTensor(tensor),
    });
  }
}
