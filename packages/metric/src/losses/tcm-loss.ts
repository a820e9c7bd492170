import { defineLoss } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { optionSpecs } from '../internal/option-specs.js';
import { deviceTcm, hostTcm } from '../internal/tcm-terms.js';
import {
  metricInputs,
  pairWeights,
  type ReferenceOptions,
  referenceOptionSpecs,
  type TupleOptions,
  tupleOptionSpecs,
  tuplesAndMatrix,
} from '../internal/tuples.js';

/** Options of {@link tcmLoss}. */
export interface TcmLossOptions extends TupleOptions, ReferenceOptions {
  /** Weight λ⁺ of the positive term. @defaultValue 1 */
  readonly lambdaPlus?: number;
  /** Weight λ⁻ of the negative term. @defaultValue 1 */
  readonly lambdaMinus?: number;
  /** Positive cosine margin m⁺: positive pairs with S ≤ m⁺ are hard. @defaultValue 0.9 */
  readonly marginPlus?: number;
  /** Negative cosine margin m⁻: negative pairs with S ≥ m⁻ are hard. @defaultValue 0.5 */
  readonly marginMinus?: number;
}

/**
 * Threshold-Consistent Margin regulariser (Zhang et al., ICLR 2024), added to a base loss:
 *
 *   L = λ⁺ · Σ_{Pos} (m⁺ − S)·1[S ≤ m⁺] / Σ_{Pos} 1[S ≤ m⁺]  +  λ⁻ · Σ_{Neg} (S − m⁻)·1[S ≥ m⁻] / Σ_{Neg} 1[S ≥ m⁻]
 *
 * on cosine similarities S; each term is the mean violation over the violating pairs only (0 if none).
 * With `refEmbeddings`/`refLabels` the pairs are (query, reference row) with S = cos(qᵢ, rⱼ) and no
 * self-pair removed; `positiveMask`/`negativeMask` replace label equality. Mined indices are applied
 * as given (PML's TCM drops them when `ref_emb` is set; here they index the reference rows).
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar (already reduced); 0 with a zero gradient when no pair violates its margin (one
 * class, singletons, nothing mined).
 * @see https://arxiv.org/abs/2307.04047
 * With a base loss on the same embeddings, {@link sharePairwise} computes the cosine matrix once for both.
 * @example const loss = sharePairwise(() => tf.add(multiSimilarityLoss(e, y), tcmLoss(e, y)));
 */
export const tcmLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  TcmLossOptions,
  { lambdaPlus: number; lambdaMinus: number; marginPlus: number; marginMinus: number }
>({
  id: 'xent/tcm',
  name: 'tcmLoss',
  family: 'metric',
  summary: 'Regulariser penalising hard positive and negative cosine pairs beyond two margins.',
  reference: {
    title: 'Threshold-Consistent Margin Loss for Open-World Deep Metric Learning',
    url: 'https://arxiv.org/abs/2307.04047',
    year: 2024,
  },
  inputs: metricInputs,
  defaults: { lambdaPlus: 1, lambdaMinus: 1, marginPlus: 0.9, marginMinus: 0.5 },
  options: /* @__PURE__ */ optionSpecs(
    {
      lambdaPlus: { type: 'number', min: 0, description: 'weight λ⁺' },
      lambdaMinus: { type: 'number', min: 0, description: 'weight λ⁻' },
      marginPlus: { type: 'number', min: -1, max: 1, description: 'positive margin m⁺' },
      marginMinus: { type: 'number', min: -1, max: 1, description: 'negative margin m⁻' },
    },
    tupleOptionSpecs,
    referenceOptionSpecs,
  ),
  batch: ({ embeddings, labels }, options, context) => {
    const {
      tuples,
      matrix: similarity,
      pairing,
    } = tuplesAndMatrix(context, cosineSimilarity(), embeddings, labels, options);
    const { pos, neg } = pairWeights(tuples, labels, embeddings.shape[0]!, pairing);
    // cpu/wasm: one host pass with a closed-form gradient; webgl/webgpu: device ops.
    return hostTcm(similarity, pos, neg, options) ?? deviceTcm(similarity, pos, neg, options);
  },
});
