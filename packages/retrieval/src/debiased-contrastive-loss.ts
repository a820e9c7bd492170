import * as tf from '@tensorflow/tfjs-core';
import { cosineSimilarity, defineLoss, type ReductionOptions } from '@xent/core';

/** Options for {@link debiasedContrastiveLoss}. */
export interface DebiasedContrastiveLossOptions extends ReductionOptions {
  /** Temperature t of the cosine similarities. @defaultValue 0.5 */
  readonly temperature?: number;
  /** Class prior τ⁺: the probability that an in-batch negative is in fact a positive. @defaultValue 0.1 */
  readonly tauPlus?: number;
}

const inputs = [
  { name: 'queries', dtype: 'float32', shape: ['N', 'D'], description: 'anchor embeddings' },
  {
    name: 'docs',
    dtype: 'float32',
    shape: ['N', 'D'],
    description: 'positive embeddings, row i matches anchor i',
  },
] as const;

/**
 * Debiased contrastive loss (Chuang et al., NeurIPS 2020): corrects the in-batch negative term for
 * the expected share τ⁺ of false negatives, in the dual-encoder form (the Nₙ = N − 1 other documents
 * are the negatives, M = 1 positive).
 *
 *   g = max( (1/(1 − τ⁺))·[ Σ_{j≠i} e^{sᵢⱼ/t} − τ⁺·Nₙ·e^{sᵢᵢ/t} ],  Nₙ·e^{−1/t} )
 *   ℓᵢ = −log( e^{sᵢᵢ/t} / (e^{sᵢᵢ/t} + g) ),   s = cosine similarity
 *
 * The clamp keeps g positive (without it the loss can be log of a negative number). Computed with
 * every exponent shifted by its row maximum.
 *
 * @param queries float32 `[N, D]`.  @param docs float32 `[N, D]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2007.00224
 * @example const loss = debiasedContrastiveLoss(z1, z2, { temperature: 0.5, tauPlus: 0.1 });
 */
export const debiasedContrastiveLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  DebiasedContrastiveLossOptions,
  { temperature: number; tauPlus: number }
>({
  id: 'xent/debiased-contrastive',
  name: 'debiasedContrastiveLoss',
  family: 'retrieval',
  summary:
    'Debiased contrastive loss: in-batch negatives corrected for the class prior τ⁺ of false negatives.',
  reference: { title: 'Debiased Contrastive Learning', url: 'https://arxiv.org/abs/2007.00224', year: 2020 },
  inputs,
  defaults: { temperature: 0.5, tauPlus: 0.1 },
  options: {
    temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'temperature t' },
    tauPlus: { type: 'number', min: 0, max: 1, exclusiveMax: true, description: 'class prior τ⁺ ∈ [0, 1)' },
  },
  perExample: ({ queries, docs }, { temperature, tauPlus }) => {
    const n = queries.shape[0]!;
    const negatives = n - 1;
    const logits = tf.div(cosineSimilarity(queries, docs), temperature);
    const shift = tf.max(logits, -1, true);
    const shifted = tf.sub(logits, shift);
    const offDiagonal = tf.sub(1, tf.eye(n));
    const positive = tf.sum(tf.mul(shifted, tf.eye(n)), -1, true);
    const negativeSum = tf.sum(tf.mul(tf.exp(shifted), offDiagonal), -1, true);
    const corrected = tf.div(tf.sub(negativeSum, tf.mul(tf.exp(positive), tauPlus * negatives)), 1 - tauPlus);
    const floor = tf.mul(tf.exp(tf.sub(-1 / temperature, shift)), negatives);
    const g = tf.maximum(corrected, floor);
    return tf.squeeze(tf.sub(tf.log(tf.add(tf.exp(positive), g)), positive), [1]);
  },
});
