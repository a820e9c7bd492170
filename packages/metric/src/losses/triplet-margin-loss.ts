import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, invalidOption, type Reducer, type TripletIndices } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { reduceAllTriplets } from '../internal/all-triplets.js';
import { optionSpecs } from '../internal/option-specs.js';
import { allTripletsOf, pairsToTriplets } from '../internal/triplet-lists.js';
import {
  distanceOptionSpec,
  gatherPairs,
  metricInputs,
  pairMasks,
  type ReferenceOptions,
  reducerOptionSpec,
  referenceOptionSpecs,
  type TupleOptions,
  tupleOptionSpecs,
  tuplesAndMatrix,
} from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { avgNonZeroReducer, isFilterReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link tripletMarginLoss}. */
export interface TripletMarginLossOptions extends TupleOptions, ReferenceOptions {
  /** Margin m, on the distance's own scale ([0, 2] for normalised L2). @defaultValue 0.05 */
  readonly margin?: number;
  /**
   * Use the closer of d_an and d_pn as the negative distance (Balntas et al. 2016); not with
   * `refEmbeddings`. @defaultValue false
   */
  readonly swap?: boolean;
  /** softplus(v) instead of [v]₊. @defaultValue false */
  readonly smoothLoss?: boolean;
  /** @defaultValue lpDistance() (Euclidean on L2-normalised rows) */
  readonly distance?: Distance;
  /** @defaultValue avgNonZeroReducer() */
  readonly reducer?: Reducer;
}

function gatheredTriplets(
  matrix: tf.Tensor,
  triplets: TripletIndices,
  distance: Distance,
  options: { margin: number; swap: boolean; smoothLoss: boolean },
) {
  const dap = gatherPairs(matrix, triplets.anchors, triplets.positives);
  let dan = gatherPairs(matrix, triplets.anchors, triplets.negatives);
  if (options.swap) {
    const dpn = gatherPairs(matrix, triplets.positives, triplets.negatives);
    dan = distance.isInverted ? tf.maximum(dan, dpn) : tf.minimum(dan, dpn);
  }
  const violation = tf.add(distance.isInverted ? tf.sub(dan, dap) : tf.sub(dap, dan), options.margin);
  return options.smoothLoss ? tf.softplus(violation) : tf.relu(violation);
}

/**
 * Triplet margin loss (Weinberger & Saul 2009; Schroff et al. 2015), as in pytorch-metric-learning:
 *
 *   ℓ(a, p, n) = [d_ap − d_an + m]₊   (similarity: [s_an − s_ap + m]₊; `smoothLoss`: softplus)
 *
 * over every valid triplet of the batch, or the mined/given ones, reduced by the reducer (default:
 * mean over the non-zero triplets). The all-triplet path never builds a B³ tensor with this package's
 * reducers; a custom `Reducer` needs explicit losses, so every valid triplet is then enumerated on the host
 * (memory ∝ the number of triplets — mine first for large batches).
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; exactly 0 with a zero gradient when there are no triplets.
 * @see https://arxiv.org/abs/1503.03832
 * @example const loss = tripletMarginLoss(embeddings, labels, { margin: 0.1, miner: batchHardMiner() });
 */
export const tripletMarginLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  TripletMarginLossOptions,
  { margin: number; swap: boolean; smoothLoss: boolean }
>({
  id: 'xent/triplet-margin',
  name: 'tripletMarginLoss',
  family: 'metric',
  summary: 'Hinge on d(anchor, positive) − d(anchor, negative) + margin over triplets.',
  reference: {
    title: 'FaceNet: A Unified Embedding for Face Recognition and Clustering',
    url: 'https://arxiv.org/abs/1503.03832',
    year: 2015,
  },
  inputs: metricInputs,
  defaults: { margin: 0.05, swap: false, smoothLoss: false },
  options: /* @__PURE__ */ optionSpecs(
    {
      margin: { type: 'number', description: 'margin m' },
      swap: { type: 'boolean', description: 'use min(d_an, d_pn)' },
      smoothLoss: { type: 'boolean', description: 'softplus instead of hinge' },
      distance: distanceOptionSpec,
      reducer: reducerOptionSpec,
    },
    tupleOptionSpecs,
    referenceOptionSpecs,
  ),
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? lpDistance();
    const reducer = options.reducer ?? avgNonZeroReducer();
    const { tuples, matrix, pairing } = tuplesAndMatrix(context, distance, embeddings, labels, options);
    if (pairing.refLabels && options.swap)
      invalidOption(
        context.fn,
        'swap',
        'swap: false with refEmbeddings (d_pn needs reference × reference)',
        true,
      );
    let triplets: TripletIndices;
    if (tuples.kind === 'all') {
      const { pos, neg } = pairMasks(tuples, labels, embeddings.shape[0]!, pairing);
      if (isFilterReducer(reducer)) {
        const spec = {
          margin: options.margin,
          sign: distance.isInverted ? -1 : 1,
          swap: options.swap,
          smooth: options.smoothLoss,
          low: reducer.low,
          high: reducer.high,
        } as const;
        return reduceAllTriplets(spec, matrix, pos, neg);
      }
      triplets = allTripletsOf(pos, neg, !pairing.refLabels);
    } else triplets = tuples.kind === 'pairs' ? pairsToTriplets(tuples) : tuples;
    const losses = gatheredTriplets(matrix, triplets, distance, options);
    return applyReducer(
      context.fn,
      reducer,
      [{ losses, kind: 'triplet', anchors: triplets.anchors }],
      labels,
    );
  },
});
