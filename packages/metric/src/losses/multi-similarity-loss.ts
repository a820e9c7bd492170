import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, type Reducer } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { deviceMultiSimilarity, hostMultiSimilarity } from '../internal/multi-similarity-terms.js';
import { optionSpecs } from '../internal/option-specs.js';
import {
  distanceOptionSpec,
  metricInputs,
  pairWeights,
  type ReferenceOptions,
  reducerOptionSpec,
  referenceOptionSpecs,
  type TupleOptions,
  tupleOptionSpecs,
  tuplesAndMatrix,
} from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link multiSimilarityLoss}. */
export interface MultiSimilarityLossOptions extends TupleOptions, ReferenceOptions {
  /** Positive scale α. @defaultValue 2 */
  readonly alpha?: number;
  /** Negative scale β. @defaultValue 50 */
  readonly beta?: number;
  /** Similarity offset λ (PML's `base`). @defaultValue 0.5 */
  readonly base?: number;
  /** Run the paper's ε pair-mining step on the candidate pairs first. @defaultValue true */
  readonly mining?: boolean;
  /** Mining margin ε. @defaultValue 0.1 */
  readonly epsilon?: number;
  /** @defaultValue cosineSimilarity() */
  readonly distance?: Distance;
  /** Over the B per-anchor losses. @defaultValue meanReducer() */
  readonly reducer?: Reducer;
}

/**
 * Multi-Similarity loss (Wang et al., CVPR 2019):
 *
 *   Lᵢ = (1/α)·log(1 + Σ_{k∈Pᵢ} e^{−α(S_ik − λ)}) + (1/β)·log(1 + Σ_{k∈Nᵢ} e^{β(S_ik − λ)})
 *
 * averaged over all B anchors (anchors without pairs give 0). With `mining` (default) the pairs are
 * first filtered by the paper's ε-step, computed from the candidate pairs (every pair, or the
 * miner's/indices' pairs). Unlike the official code, an anchor with positives but no mined negatives
 * keeps its positive term (PML's semantics).
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient when nothing is mined.
 * @see https://arxiv.org/abs/1904.06627
 * @example const loss = multiSimilarityLoss(embeddings, labels, { alpha: 2, beta: 50, base: 0.5 });
 */
export const multiSimilarityLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  MultiSimilarityLossOptions,
  { alpha: number; beta: number; base: number; mining: boolean; epsilon: number }
>({
  id: 'xent/multi-similarity',
  name: 'multiSimilarityLoss',
  family: 'metric',
  summary: 'Soft-weights pairs by self and relative similarity after epsilon-mining.',
  reference: {
    title: 'Multi-Similarity Loss with General Pair Weighting for Deep Metric Learning',
    url: 'https://arxiv.org/abs/1904.06627',
    year: 2019,
  },
  inputs: metricInputs,
  defaults: { alpha: 2, beta: 50, base: 0.5, mining: true, epsilon: 0.1 },
  options: /* @__PURE__ */ optionSpecs(
    {
      alpha: { type: 'number', min: 0, exclusiveMin: true, description: 'positive scale alpha' },
      beta: { type: 'number', min: 0, exclusiveMin: true, description: 'negative scale beta' },
      base: { type: 'number', description: 'offset lambda' },
      mining: { type: 'boolean', description: 'apply the epsilon mining step' },
      epsilon: { type: 'number', min: 0, description: 'mining margin epsilon' },
      distance: distanceOptionSpec,
      reducer: reducerOptionSpec,
    },
    tupleOptionSpecs,
    referenceOptionSpecs,
  ),
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? cosineSimilarity();
    const { tuples, matrix, pairing } = tuplesAndMatrix(context, distance, embeddings, labels, options);
    // Pair multiplicities; the formula takes the pair sets (count > 0).
    const { pos, neg } = pairWeights(tuples, labels, embeddings.shape[0]!, pairing);
    const reducer = options.reducer ?? meanReducer();
    // cpu/wasm: one host pass with a closed-form gradient; webgl/webgpu: the device formulation, with
    // 0/1 masks by `step` (a comparison is ~20× slower than arithmetic on tfjs-wasm).
    const terms = { ...options, isInverted: distance.isInverted };
    const losses =
      hostMultiSimilarity(matrix, pos, neg, terms) ??
      deviceMultiSimilarity(matrix, tf.step(pos), tf.step(neg), terms);
    return applyReducer(context.fn, reducer, [{ losses, kind: 'element' }], labels);
  },
});
