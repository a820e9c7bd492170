import { defineLoss } from '@xent/core';
import {
  pairwiseAngle,
  type RankConsistencyOptions,
  rankConsistency,
  rankConsistencyOptions,
  scoredPairInputs,
} from './internal/scored-pairs.js';

/** Options for {@link angleLoss}. */
export type AngleLossOptions = RankConsistencyOptions;

/**
 * AnglE (Li & Li 2023): CoSENT on an angle similarity in complex space, which keeps a gradient where
 * the cosine saturates. Each embedding is read as a complex vector (first half of the dims real,
 * second half imaginary; an odd D is padded with a zero):
 *
 *   sₙ = |Σₖ Re(zₖ) + Im(zₖ)|,  zₖ = xₖ·conj(yₖ)/(‖x‖‖y‖),  x = emb1ₙ, y = emb2ₙ
 *   ℓ = log(1 + Σ_{(m,n): yₘ < yₙ} exp(scale·(sₘ − sₙ)))
 *
 * (sentence-transformers' `pairwise_angle_sim`). A batch-level loss: one scalar, no
 * `reduction`/`weights`. Degenerate inputs: one pair, or all gold scores equal, give exactly 0.
 *
 * @param emb1 float32 `[N, D]`.  @param emb2 float32 `[N, D]`, row n paired with row n of `emb1`.
 * @param scores float32 `[N]`, gold similarity of each pair (only the order matters; not differentiated).
 * @returns a scalar.
 * @see https://arxiv.org/abs/2309.12871
 * @example const loss = angleLoss(u, v, [0.9, 0.1, 0.5]);
 */
export const angleLoss = /* @__PURE__ */ defineLoss<
  typeof scoredPairInputs,
  AngleLossOptions,
  { scale: number }
>({
  id: 'xent/angle',
  name: 'angleLoss',
  family: 'retrieval',
  summary: 'AnglE: CoSENT ranking on the angle difference of the pair in complex space.',
  reference: {
    title: 'AnglE-optimized Text Embeddings',
    url: 'https://arxiv.org/abs/2309.12871',
    year: 2023,
  },
  inputs: scoredPairInputs,
  defaults: { scale: 20 },
  options: rankConsistencyOptions,
  batch: ({ emb1, emb2, scores }, { scale }) => rankConsistency(pairwiseAngle(emb1, emb2), scores, scale),
});
