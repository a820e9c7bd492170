import { defineLoss, type TensorInput } from '@xent/core';
import { lambdaPairLoss, listMask, listMaskOption, rerankInputs } from './internal/rerank.js';

/** Options for {@link rankNetLoss}. */
export interface RankNetLossOptions {
  /** Only pairs whose documents are both in the model's top k count. @defaultValue all */
  readonly k?: number;
  /** Slope σ of the pair sigmoid. @defaultValue 1 */
  readonly sigma?: number;
  /** Logarithm of the pair loss: `'binary'` (log₂, ST's default) or `'natural'`. @defaultValue 'binary' */
  readonly reductionLog?: 'natural' | 'binary';
  /** 0/1 `[N, K]`: 1 for real documents of a ragged list. @defaultValue all real */
  readonly mask?: TensorInput;
  /** Data checks (finite inputs, 0/1 mask). @defaultValue true */
  readonly validate?: boolean;
}

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
  options: {
    k: { type: 'number', min: 1, integer: true, description: 'pairs within the predicted top k only' },
    sigma: { type: 'number', min: 0, exclusiveMin: true, description: 'slope of the pair sigmoid' },
    reductionLog: { type: 'enum', values: ['natural', 'binary'], description: 'log base of the pair loss' },
    mask: listMaskOption,
  },
  batch: ({ logits, labels }, { k, sigma, reductionLog, mask }, context) =>
    lambdaPairLoss(logits, labels, listMask(context.fn, mask, logits, context.validate), {
      scheme: 'NoWeighting',
      k,
      sigma,
      mu: 0,
      reductionLog,
    }),
});
