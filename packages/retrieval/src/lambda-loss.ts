import { defineLoss } from '@xent/core';
import {
  lambdaPairLoss,
  listMask,
  listMaskOption,
  type PairwiseListOptions,
  pairReductionLogOption,
  pairSigmaOption,
  pairTopKOption,
  rerankInputs,
  type WeightingScheme,
} from './internal/rerank.js';

/** Options for {@link lambdaLoss}. */
export interface LambdaLossOptions extends PairwiseListOptions {
  /**
   * Pair weights (sentence-transformers' scheme classes without "Scheme"): `'NDCGLoss2PP'`
   * (mu·NDCG-Loss2 + LambdaRank), `'NDCGLoss2'`, `'LambdaRank'`, `'NDCGLoss1'`, `'NoWeighting'` (RankNet).
   * @defaultValue 'NDCGLoss2PP'
   */
  readonly weightingScheme?: WeightingScheme;
  /** μ of NDCGLoss2PP. @defaultValue 10 */
  readonly mu?: number;
}

/**
 * LambdaLoss (Wang et al. 2018), as sentence-transformers' cross-encoder `LambdaLoss`: RankNet's
 * pair loss weighted by how much swapping the pair changes NDCG. With the model's ranking positions
 * pᵢ (0-based), gains Gᵢ = (2^{yᵢ} − 1)/maxDCG@k and discounts D(p) = log₂(p + 2):
 *
 *   ℓ = −(1/#pairs) Σ_{yᵢ > yⱼ, pᵢ,pⱼ < k} wᵢⱼ · log₂ σ(sigma·(sᵢ − sⱼ))
 *   NDCGLoss2:  wᵢⱼ = |1/log₂(δ+1) − 1/log₂(δ+2)|·|Gᵢ − Gⱼ|, δ = |pᵢ − pⱼ|
 *   LambdaRank: wᵢⱼ = |1/D(pᵢ) − 1/D(pⱼ)|·|Gᵢ − Gⱼ|
 *   NDCGLoss2PP: wᵢⱼ = mu·NDCGLoss2 + LambdaRank;   NDCGLoss1: wᵢⱼ = Gᵢ/D(pᵢ) over every pair
 *
 * averaged over all pairs of the batch (one scalar). Positions and weights are constants (no
 * gradient through the sort); ties keep input order. Unlike ST, σ is not clamped at 1e-10 (ST's
 * clamp zeroes the gradient of pairs mis-ordered by more than ~23/sigma). Negative labels count as 0
 * in the gains. Degenerate inputs: no ordered pair (all labels equal, one document) gives 0.
 *
 * @param logits float32 `[N, K]`.  @param labels float32 `[N, K]` graded relevance.
 * @returns a scalar.
 * @see https://doi.org/10.1145/3269206.3271784
 * @example const loss = lambdaLoss(scores, labels, { weightingScheme: 'LambdaRank', k: 10 });
 */
export const lambdaLoss = /* @__PURE__ */ defineLoss<
  typeof rerankInputs,
  LambdaLossOptions,
  { weightingScheme: WeightingScheme; sigma: number; mu: number; reductionLog: 'natural' | 'binary' }
>({
  id: 'xent/lambda',
  name: 'lambdaLoss',
  family: 'retrieval',
  summary: 'LambdaLoss: pairwise logistic loss weighted by the NDCG change of swapping the pair.',
  reference: {
    title: 'The LambdaLoss Framework for Ranking Metric Optimization',
    url: 'https://doi.org/10.1145/3269206.3271784',
    year: 2018,
  },
  inputs: rerankInputs,
  defaults: { weightingScheme: 'NDCGLoss2PP', sigma: 1, mu: 10, reductionLog: 'binary' },
  options: {
    weightingScheme: {
      type: 'enum',
      values: ['NDCGLoss2PP', 'NDCGLoss2', 'LambdaRank', 'NDCGLoss1', 'NoWeighting'],
      description: 'pair weights (ST scheme names)',
    },
    mu: { type: 'number', min: 0, description: 'weight of NDCG-Loss2 in NDCGLoss2PP' },
    // Spelled out rather than spread: a spread keeps this loss in every bundle of the package.
    k: pairTopKOption,
    sigma: pairSigmaOption,
    reductionLog: pairReductionLogOption,
    mask: listMaskOption,
  },
  batch: ({ logits, labels }, { weightingScheme, k, sigma, mu, reductionLog, mask }, context) =>
    lambdaPairLoss(logits, labels, listMask(context.fn, mask, logits, context.validate), {
      scheme: weightingScheme,
      k,
      sigma,
      mu,
      reductionLog,
    }),
});
