import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, type Reducer } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { marginOf } from '../distances/make-distance.js';
import { hostHooks } from '../internal/host-hooks.js';
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
import { avgNonZeroReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link contrastiveLoss}. */
export interface ContrastiveLossOptions extends TupleOptions, ReferenceOptions {
  /** Positive pairs are penalised beyond this. @defaultValue 0 */
  readonly posMargin?: number;
  /** Negative pairs are penalised within this. @defaultValue 1 */
  readonly negMargin?: number;
  /** @defaultValue lpDistance() */
  readonly distance?: Distance;
  /** Applied to the positive and the negative pairs separately, then summed. @defaultValue avgNonZeroReducer() */
  readonly reducer?: Reducer;
}

/**
 * Contrastive loss (Hadsell, Chopra & LeCun 2006), as in pytorch-metric-learning (not squared; use
 * `lpDistance({ power: 2 })` for the squared form):
 *
 *   ℓ⁺(a, p) = [d_ap − m⁺]₊,   ℓ⁻(a, n) = [m⁻ − d_an]₊   (similarity: [m⁺ − s]₊, [s − m⁻]₊)
 *
 * over every ordered pair (or the mined ones, counted with multiplicity), each set reduced separately
 * and summed.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient when there are no pairs.
 * @see https://ieeexplore.ieee.org/document/1640964
 * @example const loss = contrastiveLoss(embeddings, labels, { negMargin: 0.5 });
 */
export const contrastiveLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  ContrastiveLossOptions,
  { posMargin: number; negMargin: number }
>({
  id: 'xent/contrastive',
  name: 'contrastiveLoss',
  family: 'metric',
  summary: 'Pulls positive pairs within a margin and pushes negative pairs beyond another.',
  reference: {
    title: 'Dimensionality Reduction by Learning an Invariant Mapping',
    url: 'https://ieeexplore.ieee.org/document/1640964',
    year: 2006,
  },
  inputs: metricInputs,
  defaults: { posMargin: 0, negMargin: 1 },
  options: /* @__PURE__ */ optionSpecs(
    {
      posMargin: { type: 'number', description: 'positive margin m⁺' },
      negMargin: { type: 'number', description: 'negative margin m⁻' },
      distance: distanceOptionSpec,
      reducer: reducerOptionSpec,
    },
    tupleOptionSpecs,
    referenceOptionSpecs,
  ),
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? lpDistance();
    const { tuples, matrix, pairing } = tuplesAndMatrix(context, distance, embeddings, labels, options);
    const { pos, neg } = pairWeights(tuples, labels, embeddings.shape[0]!, pairing);
    const reducer = options.reducer ?? avgNonZeroReducer();
    // A host route, when a wrapper (crossBatchMemory) installed one and the reducer is this package's.
    return (
      hostHooks.contrastive?.(matrix, pos, neg, options, distance.isInverted, reducer) ??
      applyReducer(
        context.fn,
        reducer,
        [
          { losses: tf.relu(marginOf(distance, matrix, options.posMargin)), weights: pos, kind: 'pos-pair' },
          { losses: tf.relu(marginOf(distance, options.negMargin, matrix)), weights: neg, kind: 'neg-pair' },
        ],
        labels,
      )
    );
  },
});
