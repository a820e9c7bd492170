import { defineLoss } from '@xent/core';
import {
  pairwiseCosine,
  type RankConsistencyOptions,
  rankConsistency,
  rankConsistencyOptions,
  scoredPairInputs,
} from './internal/scored-pairs.js';

/** Options for {@link cosentLoss}. */
export type CosentLossOptions = RankConsistencyOptions;

/**
 * CoSENT (Su 2022; Huang et al. 2024): a ranking loss over every pair of pairs in the batch. Whenever
 * pair (k, l) has a higher gold score than pair (i, j), the model's cosine of (i, j) should be lower:
 *
 *   sₙ = cos(emb1ₙ, emb2ₙ),   ℓ = log(1 + Σ_{(m,n): yₘ < yₙ} exp(scale·(sₘ − sₙ)))
 *
 * Only the order of the gold scores matters (any monotone rescaling gives the same loss). A
 * batch-level loss: one scalar, no `reduction`/`weights`. Degenerate inputs: one pair, or all gold
 * scores equal, leave no ordered pair and give exactly 0 (gradient 0).
 *
 * @param emb1 float32 `[N, D]`.  @param emb2 float32 `[N, D]`, row n paired with row n of `emb1`.
 * @param scores float32 `[N]`, gold similarity of each pair (not differentiated).
 * @returns a scalar.
 * @see https://doi.org/10.1109/TASLP.2024.3402087
 * @example const loss = cosentLoss(u, v, [0.9, 0.1, 0.5], { scale: 20 });
 */
export const cosentLoss = /* @__PURE__ */ defineLoss<
  typeof scoredPairInputs,
  CosentLossOptions,
  { scale: number }
>({
  id: 'xent/cosent',
  name: 'cosentLoss',
  family: 'retrieval',
  summary: 'CoSENT: pairs with a higher gold score must have a higher cosine than pairs with a lower one.',
  reference: {
    title: 'CoSENT: Consistent Sentence Embedding via Similarity Ranking',
    url: 'https://doi.org/10.1109/TASLP.2024.3402087',
    year: 2024,
  },
  inputs: scoredPairInputs,
  defaults: { scale: 20 },
  options: rankConsistencyOptions,
  batch: ({ emb1, emb2, scores }, { scale }) => rankConsistency(pairwiseCosine(emb1, emb2), scores, scale),
});
