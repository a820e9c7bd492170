import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * `fn(...inputs)` as a constant to autodiff: its ops are not recorded on the gradient tape (so they
 * cost nothing in the backward pass, and comparisons such as `tf.greater` are allowed), and every
 * input gets a zero gradient. For masks and weights a loss computes from its inputs but must not
 * differentiate (ENT's error-norm mask, a focusing term the paper detaches). Unlike
 * `stopGradient(x)` followed by taped ops, nothing of `fn` is replayed backwards.
 */
export function detached(fn: (...inputs: tf.Tensor[]) => tf.Tensor, ...inputs: tf.Tensor[]): tf.Tensor {
  const op = customGradient<tf.Tensor[]>((xs) => ({
    value: tf.tidy(() => fn(...xs)),
    gradFunc: () => xs.map((x) => tf.zeros(x.shape, 'float32')),
  }));
  return op(...inputs);
}
