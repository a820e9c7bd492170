import * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  defineLoss,
  logSumExp,
  pickClass,
  type ReductionOptions,
  type TensorInput,
} from '@xent/core';
import { matrixOption } from './internal/options.js';
import { type SimilarityKind, similarityMatrix, similarityOption } from './internal/similarity.js';

/** Options for {@link infoNceLoss}. */
export interface InfoNceLossOptions extends ReductionOptions {
  /** Multiplier of the similarities, 1/τ (20 ↔ τ = 0.05, as in sentence-transformers). @defaultValue 20 */
  readonly scale?: number;
  /** Also score each document against all queries and average both directions. @defaultValue false */
  readonly symmetric?: boolean;
  /** Extra negative documents `[H, D]` appended to every query's candidates. @defaultValue none */
  readonly hardNegatives?: TensorInput;
  /** @defaultValue 'cosine' */
  readonly similarity?: SimilarityKind;
}

const inputs = [
  { name: 'queries', dtype: 'float32', shape: ['N', 'D'], description: 'query embeddings' },
  {
    name: 'docs',
    dtype: 'float32',
    shape: ['N', 'D'],
    description: 'positive document of each query (row i ↔ query i)',
  },
] as const;

// Cross-entropy of each row of `logits` with its diagonal entry as the target.
function diagonalCrossEntropy(logits: tf.Tensor): tf.Tensor {
  const n = logits.shape[0]!;
  return tf.sub(logSumExp(logits, { axis: -1 }), pickClass(logits, tf.range(0, n, 1, 'int32')));
}

/**
 * InfoNCE with in-batch negatives, in the MultipleNegativesRanking form (van den Oord et al. 2018;
 * Henderson et al. 2017): query i's positive is document i, every other document of the batch and
 * every hard negative is a negative.
 *
 *   ℓᵢ = −log( exp(scale·sim(qᵢ, dᵢ)) / Σ_{c ∈ docs ∪ hardNegatives} exp(scale·sim(qᵢ, c)) )
 *
 * With `symmetric`, ℓᵢ = ½(ℓᵢ^{q→d} + ℓᵢ^{d→q}), the second scoring document i against all queries.
 *
 * @param queries float32 `[N, D]`.  @param docs float32 `[N, D]`, row i relevant to query i.
 * @returns `[N]` with `reduction: 'none'`, else a scalar. N = 1 without hard negatives: 0 (the only candidate
 * is the positive) with a zero gradient.
 * @see https://arxiv.org/abs/1807.03748
 * @example const loss = infoNceLoss(q, d, { scale: 20, hardNegatives: negatives });
 */
export const infoNceLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  InfoNceLossOptions,
  { scale: number; symmetric: boolean; similarity: SimilarityKind }
>({
  id: 'xent/info-nce',
  name: 'infoNceLoss',
  family: 'retrieval',
  summary:
    'InfoNCE / MultipleNegativesRanking: softmax cross-entropy over in-batch and hard-negative documents.',
  reference: {
    title: 'Representation Learning with Contrastive Predictive Coding',
    url: 'https://arxiv.org/abs/1807.03748',
    year: 2018,
  },
  inputs,
  defaults: { scale: 20, symmetric: false, similarity: 'cosine' },
  options: {
    scale: { type: 'number', min: 0, exclusiveMin: true, description: 'inverse temperature 1/τ' },
    symmetric: { type: 'boolean', description: 'average the query→doc and doc→query losses' },
    hardNegatives: { type: 'other', description: 'extra negative documents [H, D]' },
    similarity: similarityOption,
  },
  perExample: ({ queries, docs }, { scale, symmetric, similarity, hardNegatives }, context) => {
    let candidates = docs;
    if (hardNegatives !== undefined) {
      const extra = matrixOption(context.fn, 'hardNegatives', hardNegatives, docs.shape[1]!);
      if (context.validate) checkFinite(context.fn, 'options.hardNegatives', extra);
      candidates = tf.concat([docs, extra]);
    }
    const forward = diagonalCrossEntropy(tf.mul(similarityMatrix(queries, candidates, similarity), scale));
    if (!symmetric) return forward;
    const backward = diagonalCrossEntropy(tf.mul(similarityMatrix(docs, queries, similarity), scale));
    return tf.mul(tf.add(forward, backward), 0.5);
  },
});
