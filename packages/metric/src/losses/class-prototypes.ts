import * as tf from '@tensorflow/tfjs-core';
import { oneHot } from '@xent/core';

/**
 * Class prototypes c_k = mean of the support embeddings of class k (Prototypical Networks), for
 * {@link protoTripletLoss}. Differentiable in `support`. A class with no support row gets a zero row.
 *
 * @param support float32 `[S, D]`.  @param supportLabels int32 `[S]` in [0, numClasses).
 * @returns float32 `[numClasses, D]`.
 * @example const prototypes = classPrototypes(support, supportLabels, 5);
 */
export function classPrototypes(support: tf.Tensor, supportLabels: tf.Tensor, numClasses: number): tf.Tensor {
  return tf.tidy(() => {
    const member = oneHot(supportLabels, numClasses); // [S, C]
    const sums = tf.matMul(tf.transpose(member), support);
    return tf.div(sums, tf.reshape(tf.maximum(tf.sum(member, 0), 1), [numClasses, 1]));
  });
}
