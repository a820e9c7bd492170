import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';
import { pairwiseCosine, scoredPairInputs } from './internal/scored-pairs.js';

/** Options for {@link cosineSimilarityLoss}. */
export interface CosineSimilarityLossOptions extends ReductionOptions {
  /**
   * Per-pair regression loss between the cosine and the gold score: `'mse'` (sentence-transformers'
   * default `nn.MSELoss`) or `'l1'` (`nn.L1Loss`). @defaultValue 'mse'
   */
  readonly lossFct?: 'mse' | 'l1';
}

/**
 * Cosine-similarity regression (Reimers & Gurevych 2019, sentence-transformers' CosineSimilarityLoss):
 * the cosine of each pair regresses onto its gold score.
 *
 *   ℓₙ = (cos(emb1ₙ, emb2ₙ) − yₙ)²   (`lossFct: 'mse'`),   ℓₙ = |cos(emb1ₙ, emb2ₙ) − yₙ|   (`'l1'`)
 *
 * Gold scores should lie in [−1, 1] (the range of the cosine). The gradient flows to the embeddings
 * and to the scores. Degenerate inputs: a zero embedding has cosine 0 (its row is normalised with
 * an ε), so its loss is yₙ² (or |yₙ|); one pair is fine.
 *
 * @param emb1 float32 `[N, D]`.  @param emb2 float32 `[N, D]`.  @param scores float32 `[N]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar (`'mean'` is ST's value).
 * @see https://arxiv.org/abs/1908.10084
 * @example const loss = cosineSimilarityLoss(u, v, [0.9, 0.1], { lossFct: 'mse' });
 */
export const cosineSimilarityLoss = /* @__PURE__ */ defineLoss<
  typeof scoredPairInputs,
  CosineSimilarityLossOptions,
  { lossFct: 'mse' | 'l1' }
>({
  id: 'xent/cosine-similarity',
  name: 'cosineSimilarityLoss',
  family: 'retrieval',
  summary:
    'CosineSimilarityLoss: squared (or absolute) error between the cosine of each pair and its gold score.',
  reference: {
    title: 'Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks',
    url: 'https://arxiv.org/abs/1908.10084',
    year: 2019,
  },
  inputs: scoredPairInputs,
  defaults: { lossFct: 'mse' },
  options: {
    lossFct: {
      type: 'enum',
      values: ['mse', 'l1'],
      description: "regression loss on cos − score: 'mse' (squared) or 'l1' (absolute)",
    },
  },
  perExample: ({ emb1, emb2, scores }, { lossFct }) => {
    const error = tf.sub(pairwiseCosine(emb1, emb2), scores);
    return lossFct === 'mse' ? tf.square(error) : tf.abs(error);
  },
});
