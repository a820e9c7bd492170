import * as tf from '@tensorflow/tfjs-core';
import { checkClassIds, defineLoss, oneHot, type ReductionOptions } from '@xent/core';
import { smoothDistance } from '../internal/few-shot-distance.js';

/** Options of {@link protoTripletLoss}. */
export interface ProtoTripletLossOptions extends ReductionOptions {
  /** Margin m. @defaultValue 0.5 */
  readonly margin?: number;
}

const inputs = [
  { name: 'queries', dtype: 'float32', shape: ['Q', 'D'], description: 'query embeddings' },
  { name: 'labels', dtype: 'int32', shape: ['Q'], description: 'query class ids in [0, C)' },
  { name: 'prototypes', dtype: 'float32', shape: ['C', 'D'], description: 'class prototypes' },
] as const;

/** A large distance standing in for "excluded" in the hardest-negative minimum. */
const EXCLUDED = 1e9;

/**
 * Proto-Triplet loss ("SuSana Distancia is all you need", Mendez-Ruiz et al. 2023): a triplet between
 * each query, its own class prototype and the closest other prototype:
 *
 *   ℓ_q = [d(q, c_y) − min_{k≠y} d(q, c_k) + m]₊,   d(x, y) = √(‖x − y‖² + 10⁻⁶)
 *
 * (definition from the first author's code). Prototypes: {@link classPrototypes}.
 *
 * @param queries float32 `[Q, D]`.  @param labels int32 `[Q]` in [0, C).  @param prototypes float32 `[C, D]`.
 * @returns `[Q]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2305.09062
 * @example const loss = protoTripletLoss(queries, queryLabels, classPrototypes(support, supportLabels, 5));
 */
export const protoTripletLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  ProtoTripletLossOptions,
  { margin: number }
>({
  id: 'xent/proto-triplet',
  name: 'protoTripletLoss',
  family: 'metric',
  summary: 'Few-shot triplet: query vs its prototype and the nearest other prototype.',
  reference: {
    title:
      'SuSana Distancia is all you need: Enforcing class separability in metric learning via two novel distance-based loss functions for few-shot image classification',
    url: 'https://arxiv.org/abs/2305.09062',
    year: 2023,
  },
  inputs,
  defaults: { margin: 0.5 },
  options: { margin: { type: 'number', min: 0, description: 'margin m' } },
  check: ({ labels, prototypes }, _options, context) => {
    if (context.validate) checkClassIds(context.fn, 'labels', labels, prototypes.shape[0]!);
  },
  perExample: ({ queries, labels, prototypes }, { margin }) => {
    const distances = smoothDistance(queries, prototypes); // [Q, C]
    const own = oneHot(labels, prototypes.shape[0]!);
    const positive = tf.sum(tf.mul(distances, own), 1);
    const negative = tf.min(tf.add(distances, tf.mul(own, EXCLUDED)), 1);
    return tf.relu(tf.add(tf.sub(positive, negative), margin));
  },
});
