import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * log Σⱼ exp(xᵢⱼ) over the last axis of `[N, C]` → `[N]`, with the closed-form gradient
 * dyᵢ · softmax(xᵢ) computed by one softmax kernel (tfjs's own `logSumExp` differentiates through
 * max, sub, exp, sum and log: several `[N, C]` intermediates). Same values as `tf.logSumExp(x, -1)`.
 */
export const rowLogSumExp: (x: tf.Tensor) => tf.Tensor = customGradient<[tf.Tensor]>(([x], save) => {
  save([x]);
  return {
    value: tf.logSumExp(x, -1),
    gradFunc: (dy, [input]) => tf.tidy(() => tf.mul(tf.softmax(input!, -1), tf.expandDims(dy, 1))),
  };
});
