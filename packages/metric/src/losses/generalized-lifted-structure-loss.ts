import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, type Reducer } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { marginOf } from '../distances/make-distance.js';
import { maskedRowLogSumExp } from '../internal/masked-row-lse.js';
import {
  indicesSpec,
  minerSpec,
  negativeMaskSpec,
  onMinedSpec,
  positiveMaskSpec,
  refEmbeddingsSpec,
  refLabelsSpec,
} from '../internal/option-spec-entries.js';
import {
  distanceOptionSpec,
  metricInputs,
  pairMasks,
  type ReferenceOptions,
  reducerOptionSpec,
  type TupleOptions,
  tuplesAndMatrix,
} from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link generalizedLiftedStructureLoss} and {@link liftedStructureLoss}. */
export interface LiftedStructureLossOptions extends TupleOptions {
  /** Negative margin m⁻. @defaultValue 1 */
  readonly negMargin?: number;
  /** Positive margin m⁺. @defaultValue 0 */
  readonly posMargin?: number;
  /** @defaultValue lpDistance() */
  readonly distance?: Distance;
  /** @defaultValue meanReducer() */
  readonly reducer?: Reducer;
}

/** Options of {@link generalizedLiftedStructureLoss}: the lifted ones plus a reference set. */
export interface GeneralizedLiftedStructureLossOptions extends LiftedStructureLossOptions, ReferenceOptions {}

/** Option metadata of the two lifted-structure losses (identifiers only: see option-spec-entries.ts). */
export const liftedOptionSpecs = {
  negMargin: { type: 'number', description: 'negative margin m⁻' },
  posMargin: { type: 'number', description: 'positive margin m⁺' },
  distance: distanceOptionSpec,
  reducer: reducerOptionSpec,
  indices: indicesSpec,
  miner: minerSpec,
  onMined: onMinedSpec,
  refEmbeddings: refEmbeddingsSpec,
  refLabels: refLabelsSpec,
  positiveMask: positiveMaskSpec,
  negativeMask: negativeMaskSpec,
} as const;

/**
 * Generalised lifted structure loss (Hermans, Beyer & Leibe 2017, p. 4), per anchor i:
 *
 *   ℓᵢ = [ log Σ_{p∈Pᵢ} e^{d_ip − m⁺} + log Σ_{n∈Nᵢ} e^{m⁻ − d_in} ]₊
 *
 * (similarity: e^{m⁺ − s}, e^{s − m⁻}), a term whose set is empty counting 0 (PML's
 * `GeneralizedLiftedStructureLoss`); mined pairs act as 0/1 masks. Reduced over the B anchors.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient when there are no pairs.
 * @see https://arxiv.org/abs/1703.07737
 * @example const loss = generalizedLiftedStructureLoss(embeddings, labels, { negMargin: 1 });
 */
export const generalizedLiftedStructureLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  GeneralizedLiftedStructureLossOptions,
  { negMargin: number; posMargin: number }
>({
  id: 'xent/generalized-lifted-structure',
  name: 'generalizedLiftedStructureLoss',
  family: 'metric',
  summary: 'Per anchor, a soft maximum of positive distances plus a soft minimum margin over negatives.',
  reference: {
    title: 'In Defense of the Triplet Loss for Person Re-Identification',
    url: 'https://arxiv.org/abs/1703.07737',
    year: 2017,
  },
  inputs: metricInputs,
  defaults: { negMargin: 1, posMargin: 0 },
  options: liftedOptionSpecs,
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? lpDistance();
    const { tuples, matrix, pairing } = tuplesAndMatrix(context, distance, embeddings, labels, options);
    const { pos, neg } = pairMasks(tuples, labels, embeddings.shape[0]!, pairing);
    const posTerm = maskedRowLogSumExp(marginOf(distance, matrix, options.posMargin), pos);
    const negTerm = maskedRowLogSumExp(marginOf(distance, options.negMargin, matrix), neg);
    const losses = tf.relu(tf.add(posTerm, negTerm));
    return applyReducer(context.fn, options.reducer ?? meanReducer(), [{ losses, kind: 'element' }], labels);
  },
});
