import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, type Reducer } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
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

/** Options of {@link intraPairVarianceLoss}. */
export interface IntraPairVarianceLossOptions extends TupleOptions, ReferenceOptions {
  /** Slack ε⁺ of the positive pairs. @defaultValue 0.01 */
  readonly posEps?: number;
  /** Slack ε⁻ of the negative pairs. @defaultValue 0.01 */
  readonly negEps?: number;
  /** @defaultValue cosineSimilarity() */
  readonly distance?: Distance;
  /** Applied to the positive and negative pairs separately, then summed. @defaultValue meanReducer() */
  readonly reducer?: Reducer;
}

/**
 * Intra-pair variance loss (Yu et al., "Deep Metric Learning with Tuplet Margin Loss", ICCV 2019):
 * penalises pairs that lag behind their set's mean similarity μ (μ is differentiated too):
 *
 *   ℓ⁺ₖ = [(1 − ε⁺)μ⁺ − s⁺ₖ]₊²,   ℓ⁻ₖ = [s⁻ₖ − (1 + ε⁻)μ⁻]₊²
 *
 * (for a distance the roles of the two sides swap: [d⁺ₖ − (1 + ε⁺)μ⁺]₊², [(1 − ε⁻)μ⁻ − d⁻ₖ]₊²; PML's
 * `IntraPairVarianceLoss`). Mined pairs count with multiplicity, in μ too.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient for an empty pair set.
 * @see https://arxiv.org/abs/1812.04138
 * @example const loss = tf.add(tupletLoss, intraPairVarianceLoss(embeddings, labels));
 */
export const intraPairVarianceLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  IntraPairVarianceLossOptions,
  { posEps: number; negEps: number }
>({
  id: 'xent/intra-pair-variance',
  name: 'intraPairVarianceLoss',
  family: 'metric',
  summary: 'Shrinks the spread of positive and of negative pair similarities around their means.',
  reference: {
    title: 'Deep Metric Learning with Tuplet Margin Loss',
    url: 'https://arxiv.org/abs/1812.04138',
    year: 2019,
  },
  inputs: metricInputs,
  defaults: { posEps: 0.01, negEps: 0.01 },
  options: /* @__PURE__ */ optionSpecs(
    {
      posEps: { type: 'number', description: 'positive slack ε⁺' },
      negEps: { type: 'number', description: 'negative slack ε⁻' },
      distance: distanceOptionSpec,
      reducer: reducerOptionSpec,
    },
    tupleOptionSpecs,
    referenceOptionSpecs,
  ),
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? cosineSimilarity();
    const { tuples, matrix, pairing } = tuplesAndMatrix(context, distance, embeddings, labels, options);
    const { pos, neg } = pairWeights(tuples, labels, embeddings.shape[0]!, pairing);
    const meanOf = (w: tf.Tensor) => tf.div(tf.sum(tf.mul(matrix, w)), tf.maximum(tf.sum(w), 1));
    // "Lagging" is below the mean for a similarity's positives and a distance's negatives.
    const lag = (w: tf.Tensor, eps: number, increase: boolean) =>
      tf.square(
        tf.relu(
          increase ? tf.sub(tf.mul(meanOf(w), 1 - eps), matrix) : tf.sub(matrix, tf.mul(meanOf(w), 1 + eps)),
        ),
      );
    return applyReducer(
      context.fn,
      options.reducer ?? meanReducer(),
      [
        { losses: lag(pos, options.posEps, distance.isInverted), weights: pos, kind: 'pos-pair' },
        { losses: lag(neg, options.negEps, !distance.isInverted), weights: neg, kind: 'neg-pair' },
      ],
      labels,
    );
  },
});
