import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * Softmax cross-entropy with int32 class ids, without building a one-hot:
 *
 *   ℓᵢ = log Σⱼ exp(xᵢⱼ) − xᵢ,yᵢ          (= −log softmax(xᵢ)_yᵢ)
 *
 * with the closed-form gradient ∂ℓᵢ/∂xᵢⱼ = softmax(xᵢ)ⱼ − 1[j = yᵢ], computed as one softmax, one
 * scale by the upstream gradient and one in-place-style update of the N label entries
 * (`tensorScatterUpdate`): no `[N, C]` one-hot and no extra `[N, C]` intermediates kept alive.
 *
 * @param logits float32 `[N, C]`. @param ids int32 `[N]` in `[0, C)` (not checked here).
 * @returns float32 `[N]`.
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const fused = customGradient<[tf.Tensor, tf.Tensor]>(([x, labels], save) => {
    // Exactly one new tensor may come out of a custom-gradient forward: everything else stays in a tidy.
    const value = tf.tidy(() => tf.sub(tf.logSumExp(x, -1), tf.gatherND(x, rowPositions(labels))));
    save([x, labels]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [input, savedIds] = saved as [tf.Tensor, tf.Tensor];
        return tf.tidy(() => {
          const where = rowPositions(savedIds);
          const scaled = tf.tidy(() => tf.mul(tf.softmax(input, -1), tf.expandDims(dy, 1)));
          const atLabel = tf.sub(tf.gatherND(scaled, where), dy);
          return [tf.tensorScatterUpdate(scaled, where, atLabel), tf.zerosLike(savedIds)];
        });
      },
    };
  });
  return fused(logits, ids);
}

function rowPositions(ids: tf.Tensor): tf.Tensor {
  return tf.stack([tf.range(0, ids.shape[0]!, 1, 'int32'), ids], 1);
}
