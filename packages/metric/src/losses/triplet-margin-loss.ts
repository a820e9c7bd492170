import { type Distance, defineLoss, invalidOption, type Reducer, type TripletIndices } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { type AllTripletSpec, reduceAllTriplets, tripletHinge } from '../internal/all-triplets.js';
import {
  indicesSpec,
  minerSpec,
  negativeMaskSpec,
  onMinedSpec,
  positiveMaskSpec,
  refEmbeddingsSpec,
  refLabelsSpec,
} from '../internal/option-spec-entries.js';
import { allTripletsOf, pairsToTriplets } from '../internal/triplet-lists.js';
import {
  allPairs,
  distanceOptionSpec,
  gatherPairs,
  metricInputs,
  type ReferenceOptions,
  reducerOptionSpec,
  type TupleOptions,
  tuplesAndMatrix,
} from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { avgNonZeroReducer, type FilterReducer, isFilterReducer } from '../reducers/threshold-reducer.js';

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
  options: {
    margin: { type: 'number', description: 'margin m' },
    swap: { type: 'boolean', description: 'use min(d_an, d_pn)' },
    smoothLoss: { type: 'boolean', description: 'softplus instead of hinge' },
    distance: distanceOptionSpec,
    reducer: reducerOptionSpec,
    indices: indicesSpec,
    miner: minerSpec,
    onMined: onMinedSpec,
    refEmbeddings: refEmbeddingsSpec,
    refLabels: refLabelsSpec,
    positiveMask: positiveMaskSpec,
    negativeMask: negativeMaskSpec,
  },
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
    const { swap } = options;
    const spec: AllTripletSpec = {
      margin: options.margin,
      sign: distance.isInverted ? -1 : 1,
      swap,
      smooth: options.smoothLoss,
      low: (reducer as Partial<FilterReducer>).low,
      high: (reducer as Partial<FilterReducer>).high,
    };
    let triplets: TripletIndices;
    if (tuples.kind === 'all') {
      const { pos, neg } = allPairs(labels, embeddings.shape[0]!, pairing);
      if (isFilterReducer(reducer)) return reduceAllTriplets(spec, matrix, pos, neg);
      triplets = allTripletsOf(pos, neg, !pairing.refLabels);
    } else triplets = tuples.kind === 'pairs' ? pairsToTriplets(tuples) : tuples;
    const { anchors: a, positives: p, negatives: n } = triplets;
    const { loss } = tripletHinge(
      spec,
      gatherPairs(matrix, a, p),
      gatherPairs(matrix, a, n),
      swap ? gatherPairs(matrix, p, n) : undefined,
    );
    return applyReducer(context.fn, reducer, [{ losses: loss, kind: 'triplet', anchors: a }], labels);
  },
});
