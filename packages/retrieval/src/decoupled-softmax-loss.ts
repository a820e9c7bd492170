import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, logSumExp, type ReductionOptions, stopGradient } from '@xent/core';
import { checkBinaryMask } from './internal/mask.js';

/** Options for {@link decoupledSoftmaxLoss}. */
export interface DecoupledSoftmaxLossOptions extends ReductionOptions {
  /** Multiplier of the scores, 1/τ (DEXML: cosine / 0.05). @defaultValue 20 */
  readonly scale?: number;
}

const inputs = [
  { name: 'scores', dtype: 'float32', shape: ['N', 'L'], description: 'point × label scores (e.g. cosine)' },
  { name: 'targets', dtype: 'float32', shape: ['N', 'L'], description: 'multi-hot 0/1 relevance' },
] as const;

/**
 * Decoupled softmax (DEXML, Gupta et al., ICLR 2024): each positive competes only against the
 * negatives, not against the other positives of its row.
 *
 *   ℓᵢ = (1/|Pᵢ|) Σ_{j∈Pᵢ} −log( e^{sᵢⱼ} / (e^{sᵢⱼ} + Σ_{l∉Pᵢ} e^{sᵢₗ}) ),   s = scale·scores
 *
 * Rows without a positive give 0 (exclude them with `weights`).
 *
 * @param scores float32 `[N, L]`.  @param targets float32 `[N, L]` multi-hot.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2310.10636
 * @example const loss = decoupledSoftmaxLoss(cosineSimilarity(x, labels), multiHot, { scale: 20 });
 */
export const decoupledSoftmaxLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  DecoupledSoftmaxLossOptions,
  { scale: number }
>({
  id: 'xent/decoupled-softmax',
  name: 'decoupledSoftmaxLoss',
  family: 'retrieval',
  summary: 'DEXML decoupled softmax: each positive against the negatives only, averaged over positives.',
  reference: {
    title: 'Dual-Encoders for Extreme Multi-Label Classification',
    url: 'https://arxiv.org/abs/2310.10636',
    year: 2024,
  },
  inputs,
  defaults: { scale: 20 },
  options: {
    scale: { type: 'number', min: 0, exclusiveMin: true, description: 'inverse temperature 1/τ' },
  },
  check: ({ targets }, _options, context) => {
    if (context.validate) checkBinaryMask(context.fn, 'targets', targets);
  },
  perExample: ({ scores, targets: relevance }, { scale }) => {
    const targets = stopGradient(relevance);
    const s = tf.mul(scores, scale);
    const negatives = logSumExp(s, { axis: -1, keepDims: true, mask: tf.sub(1, targets) });
    // −log(e^s / (e^s + e^neg)) = softplus(neg − s); a row with no negative has neg = −∞ → 0.
    const finite = tf.isFinite(negatives);
    const safe = tf.where(finite, negatives, tf.zerosLike(negatives));
    const terms = tf.where(tf.broadcastTo(finite, s.shape), tf.softplus(tf.sub(safe, s)), tf.zerosLike(s));
    const positives = tf.sum(targets, -1);
    return tf.div(tf.sum(tf.mul(terms, targets), -1), tf.maximum(positives, 1));
  },
});
