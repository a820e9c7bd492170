import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type Reducer, rowLogSumExp } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { metricInputs, reducerOptionSpec } from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link instanceLoss}. */
export interface InstanceLossOptions {
  /** Scale γ of the cosine logits. @defaultValue 64 */
  readonly gamma?: number;
  /** Over the B per-sample losses. @defaultValue meanReducer() */
  readonly reducer?: Reducer;
  /** @defaultValue true */
  readonly validate?: boolean;
}

/**
 * The position of each label among the batch's distinct labels in ascending order (`torch.unique`'s
 * inverse), on device: cᵢ = Σⱼ [yⱼ < yᵢ] / #{k : y_k = yⱼ}, rounded.
 */
function uniqueInverse(labels: tf.Tensor): tf.Tensor {
  const n = labels.shape[0]!;
  const y = tf.reshape(tf.cast(labels, 'float32'), [n, 1]);
  // Same-shape grids by rank-1 matmuls (ids exact below 2²⁴): rows yᵢ, columns yⱼ.
  const rows = tf.matMul(y, tf.ones([1, n]));
  const cols = tf.transpose(rows);
  const multiplicity = tf.sum(tf.cast(tf.equal(rows, cols), 'float32'), 0); // [n], per j
  const below = tf.cast(tf.less(cols, rows), 'float32');
  return tf.cast(tf.round(tf.sum(tf.div(below, tf.reshape(multiplicity, [1, n])), 1)), 'int32');
}

/**
 * Instance loss as PML's `InstanceLoss` (Zheng et al., "Dual-path Convolutional Image-Text
 * Embeddings with Instance Loss", ACM TOMM 2020): a softmax cross-entropy over the batch whose logits
 * are the scaled cosine similarities of each sample to every batch row, and whose target column is the
 * sample's class index cᵢ (the rank of its label among the batch's distinct labels):
 *
 *   ℓᵢ = −log( e^{γ·cos(xᵢ, x_{cᵢ})} / Σⱼ e^{γ·cos(xᵢ, xⱼ)} )
 *
 * The paper's instance loss classifies each image as its own class through a learned classifier; PML
 * uses the batch rows as that classifier, so with one label per instance (`labels` 0 … B − 1, PML's
 * default without labels) each sample must be nearest to itself against the rest of the batch, pushing
 * every other instance away. With repeated labels the target column is the class index, as PML computes
 * it (a row of the batch, not necessarily one of the same class).
 *
 * @param embeddings float32 `[B, D]` (cosine: rows need not be normalised).  @param labels int32 `[B]`.
 * @returns a scalar (mean over B by default); one example gives 0 with a zero gradient.
 * @see https://arxiv.org/abs/1711.05535
 * @example const loss = instanceLoss(embeddings, tf.range(0, 32, 1, 'int32'), { gamma: 64 });
 */
export const instanceLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  InstanceLossOptions,
  { gamma: number }
>({
  id: 'xent/instance',
  name: 'instanceLoss',
  family: 'metric',
  summary: 'Cross-entropy over the batch’s scaled cosine similarities, each sample’s class index as target.',
  reference: {
    title: 'Dual-path Convolutional Image-Text Embeddings with Instance Loss',
    url: 'https://arxiv.org/abs/1711.05535',
    year: 2020,
  },
  inputs: metricInputs,
  defaults: { gamma: 64 },
  options: {
    gamma: { type: 'number', min: 0, exclusiveMin: true, description: 'logit scale γ' },
    reducer: reducerOptionSpec,
  },
  batch: ({ embeddings, labels }, options, context) => {
    const logits = tf.mul(cosineSimilarity().pairwise(embeddings), options.gamma);
    const batch = embeddings.shape[0]!;
    // tf.oneHot needs a depth ≥ 2 (one example is its own target), and its float32 output is all
    // zeros on tfjs-wasm 4.22: build it as int32 and cast.
    const target =
      batch === 1 ? tf.ones([1, 1]) : tf.cast(tf.oneHot(uniqueInverse(labels), batch), 'float32');
    const losses = tf.sub(rowLogSumExp(logits), tf.sum(tf.mul(logits, target), 1));
    return applyReducer(context.fn, options.reducer ?? meanReducer(), [{ losses, kind: 'element' }], labels);
  },
});
