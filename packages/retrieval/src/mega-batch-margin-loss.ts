import * as tf from '@tensorflow/tfjs-core';
import { cosineSimilarity, defineLoss, type ReductionOptions } from '@xent/core';

/** Options for {@link megaBatchMarginLoss}. */
export interface MegaBatchMarginLossOptions extends ReductionOptions {
  /** The positive pair's cosine should reach at least this. @defaultValue 0.8 */
  readonly positiveMargin?: number;
  /** The hardest in-batch negative's cosine should stay below this. @defaultValue 0.3 */
  readonly negativeMargin?: number;
}

const inputs = [
  { name: 'anchors', dtype: 'float32', shape: ['N', 'D'], description: 'anchor embeddings' },
  {
    name: 'positives',
    dtype: 'float32',
    shape: ['N', 'D'],
    description: 'positive of each anchor (the other rows are its candidate negatives)',
  },
] as const;

/**
 * MegaBatchMargin (Wieting & Gimpel 2018, ParaNMT), sentence-transformers' `MegaBatchMarginLoss`: each
 * anchor's hardest negative is mined from the other anchors' positives in a (mega-)batch, and two
 * hinges push the positive cosine up and the hardest negative cosine down:
 *
 *   ℓᵢ = max(0, m⁺ − cos(aᵢ, pᵢ)) + max(0, max_{j≠i} cos(aᵢ, pⱼ) − m⁻)
 *
 * The mega-batch is simply a large batch; for bounded memory wrap the call in `cachedContrastive`
 * (ST's mini-batched variant computes the same value). Degenerate inputs: one pair has no negative,
 * so only the positive hinge remains.
 *
 * @param anchors float32 `[N, D]`.  @param positives float32 `[N, D]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar (`'mean'` is ST's value).
 * @see https://arxiv.org/abs/1711.05732
 * @example const loss = megaBatchMarginLoss(a, p, { positiveMargin: 0.8, negativeMargin: 0.3 });
 */
export const megaBatchMarginLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  MegaBatchMarginLossOptions,
  { positiveMargin: number; negativeMargin: number }
>({
  id: 'xent/mega-batch-margin',
  name: 'megaBatchMarginLoss',
  family: 'retrieval',
  summary: 'MegaBatchMargin: hinge on the positive cosine and on the hardest in-batch negative cosine.',
  reference: {
    title: 'ParaNMT-50M: Pushing the Limits of Paraphrastic Sentence Embeddings',
    url: 'https://arxiv.org/abs/1711.05732',
    year: 2018,
  },
  inputs,
  defaults: { positiveMargin: 0.8, negativeMargin: 0.3 },
  options: {
    positiveMargin: { type: 'number', description: 'target lower bound of the positive cosine' },
    negativeMargin: { type: 'number', description: 'target upper bound of the hardest negative cosine' },
  },
  perExample: ({ anchors, positives }, { positiveMargin, negativeMargin }) => {
    const n = anchors.shape[0]!;
    const scores = cosineSimilarity(anchors, positives);
    const eye = tf.cast(tf.eye(n), 'bool');
    const positive = tf.sum(tf.where(eye, scores, tf.zerosLike(scores)), 1);
    const hardest = tf.max(tf.where(eye, tf.fill([n, n], Number.NEGATIVE_INFINITY), scores), 1);
    return tf.add(tf.relu(tf.sub(positiveMargin, positive)), tf.relu(tf.sub(hardest, negativeMargin)));
  },
});
