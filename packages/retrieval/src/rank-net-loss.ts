import { defineLoss } from '@xent/core';
import {
  lambdaPairLoss,
  listMask,
  type PairwiseListOptions,
  pairwiseListOptions,
  rerankInputs,
} from './internal/rerank.js';

/** Options for {@link rankNetLoss}. */
export type RankNetLossOptions = PairwiseListOptions;

/**
 * RankNet (Burges et al. 2005), as sentence-transformers' cross-encoder `RankNetLoss`: every pair of
 * documents of a list where document i is more relevant than j (yᵢ > yⱼ) should score higher:
 *
 *   ℓ = −(1/#pairs) Σ_{lists} Σ_{yᵢ > yⱼ} log₂ σ(sigma·(sᵢ − sⱼ))
 *
 * averaged over all pairs of the batch (a batch-level loss: one scalar). With `k`, only pairs whose
 * documents both rank in the model's top k. Degenerate inputs: lists with all labels equal (or one
 * document) contribute no pair; no pair in the batch gives 0.
 *
 * @param logits float32 `[N, K]`.  @param labels float32 `[N, K]` graded relevance.
 * @returns a scalar.
 * @see https://doi.org/10.1145/1102351.1102363
 * @example const loss = rankNetLoss(scores, [[2, 0, 1]], { mask });
 */
export const rankNetLoss = /* @__PURE__ */ defineLoss<
  typeof rerankInputs,
  RankNetLossOptions,
  { sigma: number; reductionLog: 'natural' | 'binary' }
>({
  id: 'xent/rank-net',
  name: 'rankNetLoss',
  family: 'retrieval',
  summary: 'RankNet: logistic loss on the score difference of every correctly ordered document pair.',
  reference: {
    title: 'Learning to Rank using Gradient Descent',
    url: 'https://doi.org/10.1145/1102351.1102363',
    year: 2005,
  },
  inputs: rerankInputs,
  defaults: { sigma: 1, reductionLog: 'binary' },
  options: pairwiseListOptions,
  batch: ({ logits, labels }, { k, sigma, reductionLog, mask }, context) =>
    lambdaPairLoss(logits, labels, listMask(context.fn, mask, logits, context.validate), {
      scheme: 'NoWeighting',
      k,
      sigma,
      mu: 0,
      reductionLog,
    }),
});
