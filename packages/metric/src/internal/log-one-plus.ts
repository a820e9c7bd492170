import * as tf from '@tensorflow/tfjs-core';
import { logSumExp } from '@xent/core';

/**
 * log(1 + Σⱼ maskᵢⱼ·exp(xᵢⱼ)) per row, stably: softplus of core's masked log-sum-exp. A row with an
 * empty mask gives softplus(−∞) = 0 with a zero gradient (PML's `logsumexp(…, add_one=True)`).
 */
export function logOnePlusSumExp(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.softplus(logSumExp(x, { axis: -1, mask }));
}
