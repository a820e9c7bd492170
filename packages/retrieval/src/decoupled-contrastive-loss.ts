import * as tf from '@tensorflow/tfjs-core';
import {
  cosineSimilarity,
  defineLoss,
  describeTensor,
  logSumExp,
  type ReductionOptions,
  XentError,
} from '@xent/core';

/** Options for {@link decoupledContrastiveLoss}. */
export interface DecoupledContrastiveLossOptions extends ReductionOptions {
  /** Temperature τ of the cosine similarities. @defaultValue 0.1 */
  readonly temperature?: number;
  /** DCLW: weight the positive term by wᵢ = 2 − N·softmaxᵢ(sᵢᵢ/σ). @defaultValue false */
  readonly weighted?: boolean;
  /** σ of the DCLW weighting. @defaultValue 0.5 */
  readonly sigma?: number;
}

const inputs = [
  { name: 'queries', dtype: 'float32', shape: ['N', 'D'], description: 'first view / query embeddings' },
  {
    name: 'docs',
    dtype: 'float32',
    shape: ['N', 'D'],
    description: 'second view / document embeddings, row i matches row i',
  },
] as const;

// One direction: anchors a against the other rows of both views (a and b), positive b[i].
function direction(a: tf.Tensor, b: tf.Tensor, temperature: number, weights: tf.Tensor): tf.Tensor {
  const n = a.shape[0]!;
  const cross = tf.div(cosineSimilarity(a, b), temperature);
  const within = tf.div(cosineSimilarity(a), temperature);
  const offDiagonal = tf.sub(1, tf.eye(n));
  const denominator = logSumExp(tf.concat([cross, within], 1), {
    axis: -1,
    mask: tf.concat([offDiagonal, offDiagonal], 1),
  });
  const positive = tf.sum(tf.mul(cross, tf.eye(n)), -1);
  return tf.sub(denominator, tf.mul(weights, positive));
}

/**
 * Decoupled contrastive loss (Yeh et al., ECCV 2022): InfoNCE with the positive removed from the
 * denominator, symmetrised over the two views.
 *
 *   ℓᵢ¹ = −wᵢ·⟨zᵢ¹, zᵢ²⟩/τ + log Σ_{l∈{1,2}} Σ_{j≠i} exp(⟨zᵢ¹, zⱼˡ⟩/τ),   ℓᵢ = ½(ℓᵢ¹ + ℓᵢ²)
 *
 * z are L2-normalised; wᵢ = 1, or with `weighted` (DCLW) wᵢ = 2 − N·softmaxᵢ(⟨zᵢ¹, zᵢ²⟩/σ).
 *
 * @param queries float32 `[N, D]` (N ≥ 2).  @param docs float32 `[N, D]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2110.06848
 * @example const loss = decoupledContrastiveLoss(z1, z2, { temperature: 0.1 });
 */
export const decoupledContrastiveLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  DecoupledContrastiveLossOptions,
  { temperature: number; weighted: boolean; sigma: number }
>({
  id: 'xent/decoupled-contrastive',
  name: 'decoupledContrastiveLoss',
  family: 'retrieval',
  summary: 'Decoupled contrastive learning (DCL/DCLW): InfoNCE without the positive in the denominator.',
  reference: { title: 'Decoupled Contrastive Learning', url: 'https://arxiv.org/abs/2110.06848', year: 2022 },
  inputs,
  defaults: { temperature: 0.1, weighted: false, sigma: 0.5 },
  options: {
    temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'temperature τ' },
    weighted: { type: 'boolean', description: 'DCLW positive weighting' },
    sigma: { type: 'number', min: 0, exclusiveMin: true, description: 'σ of the DCLW weights' },
  },
  check: ({ queries }, _options, context) => {
    if (queries.shape[0]! < 2) {
      throw new XentError('SHAPE_MISMATCH', {
        fn: context.fn,
        argument: 'queries',
        expected: 'float32 [N, D] with N ≥ 2',
        received: describeTensor(queries),
      });
    }
  },
  perExample: ({ queries, docs }, { temperature, weighted, sigma }) => {
    const n = queries.shape[0]!;
    const weights = weighted
      ? tf.sub(
          2,
          tf.mul(
            tf.softmax(tf.div(tf.sum(tf.mul(cosineSimilarity(queries, docs), tf.eye(n)), -1), sigma)),
            n,
          ),
        )
      : tf.ones([n]);
    const first = direction(queries, docs, temperature, weights);
    const second = direction(docs, queries, temperature, weights);
    return tf.mul(tf.add(first, second), 0.5);
  },
});
