import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/** Options of {@link sparseSoftmaxCrossEntropy}. */
export interface SparseSoftmaxCrossEntropyOptions {
  /**
   * Additive margin m subtracted from the true-class logit before the softmax (AM-softmax, LDAM and
   * the LDR losses): a number, or a float32 `[N]` tensor of per-row margins (treated as a constant).
   * @defaultValue 0
   */
  readonly margin?: number | tf.Tensor;
}

/** int32 `[N, 2]` positions `(i, ids[i])` of each row's label, for `gatherND` / `tensorScatterUpdate`. */
export function labelPositions(ids: tf.Tensor): tf.Tensor {
  return tf.stack([tf.range(0, ids.shape[0]!, 1, 'int32'), ids], 1);
}

/**
 * Softmax cross-entropy with int32 class ids, without building a one-hot:
 *
 *   ℓᵢ = log Σⱼ exp(x′ᵢⱼ) − x′ᵢ,yᵢ,   x′ = x except x′ᵢ,yᵢ = xᵢ,yᵢ − mᵢ   (m = 0: −log softmax(xᵢ)_yᵢ)
 *
 * with the closed-form gradient ∂ℓᵢ/∂xᵢⱼ = softmax(x′ᵢ)ⱼ − 1[j = yᵢ], computed as one softmax, one
 * scale by the upstream gradient and one update of the N label entries (`tensorScatterUpdate`): no
 * `[N, C]` one-hot and no extra `[N, C]` intermediates kept alive.
 *
 * @param logits float32 `[N, C]`. @param ids int32 `[N]` in `[0, C)` (not checked here).
 * @returns float32 `[N]`.
 */
export function sparseSoftmaxCrossEntropy(
  logits: tf.Tensor,
  ids: tf.Tensor,
  options: SparseSoftmaxCrossEntropyOptions = {},
): tf.Tensor {
  const margin = options.margin ?? 0;
  const fused = customGradient<[tf.Tensor, tf.Tensor]>(([x, labels], save) => {
    // Exactly one new tensor comes out of a custom-gradient forward: the rest stays in a tidy.
    const shifted =
      margin === 0
        ? x
        : tf.tidy(() => {
            const where = labelPositions(labels);
            // x − m at the labels via scatterND into a new tensor: tfjs's cpu `tensorScatterUpdate`
            // writes into its input's buffer, which here is the caller's logits.
            const atLabels = tf.add(tf.zeros([labels.shape[0]!]), margin);
            return tf.sub(x, tf.scatterND(where, atLabels, x.shape));
          });
    const value = tf.tidy(() =>
      tf.sub(tf.logSumExp(shifted, -1), tf.gatherND(shifted, labelPositions(labels))),
    );
    save([shifted, labels]);
    if (shifted !== x) shifted.dispose();
    return {
      value,
      gradFunc: (dy, saved) => {
        const [input, savedIds] = saved as [tf.Tensor, tf.Tensor];
        return tf.tidy(() => {
          const where = labelPositions(savedIds);
          const scaled = tf.tidy(() => tf.mul(tf.softmax(input, -1), tf.expandDims(dy, 1)));
          const atLabel = tf.sub(tf.gatherND(scaled, where), dy);
          return [tf.tensorScatterUpdate(scaled, where, atLabel), tf.zeros(savedIds.shape)];
        });
      },
    };
  });
  return fused(logits, ids);
}
