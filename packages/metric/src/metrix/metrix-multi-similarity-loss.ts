import * as tf from '@tensorflow/tfjs-core';
import { checkClassIds, checkValueRange, type Distance, defineLoss, oneHot } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { marginOf } from '../distances/make-distance.js';
import { logOnePlusSumExp } from '../internal/log-one-plus.js';
import { distanceOptionSpec } from '../internal/tuples.js';
import { metrixInputs } from './metrix-inputs.js';

/** Options of {@link metrixMultiSimilarityLoss}. */
export interface MetrixMultiSimilarityLossOptions {
  /** @defaultValue 2 */
  readonly alpha?: number;
  /** @defaultValue 50 */
  readonly beta?: number;
  /** @defaultValue 0.5 */
  readonly base?: number;
  /** @defaultValue cosineSimilarity() */
  readonly distance?: Distance;
  /** @defaultValue true */
  readonly validate?: boolean;
}

/** log(1 + Σ w·eˣ) per row for weights w ≥ 0 (zero weights excluded). */
function logOnePlusWeighted(x: tf.Tensor, weights: tf.Tensor): tf.Tensor {
  // step(w) = 1[w > 0] with a zero gradient (the targets may be differentiated too).
  const present = tf.step(weights);
  const logWeights = tf.log(tf.add(weights, tf.sub(1, present)));
  return logOnePlusSumExp(tf.add(x, logWeights), present);
}

/**
 * Metrix's mixed Multi-Similarity loss: the generic pair loss with soft positivity y(u),
 *
 *   ℓ(a) = (1/α)·log(1 + Σ_u y(u)·e^{−α(S_au − λ)}) + (1/β)·log(1 + Σ_u (1 − y(u))·e^{β(S_au − λ)})
 *
 * over the mixed embeddings u of anchor a, averaged over the anchors that have some.
 *
 * @param embeddings float32 `[B, D]`.  @param mixed float32 `[M, D]`.  @param anchors int32 `[M]`.  @param targets float32 `[M]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2106.04990
 * @example const mixedLoss = metrixMultiSimilarityLoss(embeddings, mix.mixed, mix.anchors, mix.targets);
 */
export const metrixMultiSimilarityLoss = defineLoss<
  typeof metrixInputs,
  MetrixMultiSimilarityLossOptions,
  { alpha: number; beta: number; base: number }
>({
  id: 'xent/metrix-multi-similarity',
  name: 'metrixMultiSimilarityLoss',
  family: 'metric',
  summary: 'Multi-Similarity loss on mixup embeddings with soft positivity targets (Metrix).',
  reference: {
    title: 'It Takes Two to Tango: Mixup for Deep Metric Learning',
    url: 'https://arxiv.org/abs/2106.04990',
    year: 2022,
  },
  inputs: metrixInputs,
  defaults: { alpha: 2, beta: 50, base: 0.5 },
  options: {
    alpha: { type: 'number', min: 0, exclusiveMin: true, description: 'positive scale α' },
    beta: { type: 'number', min: 0, exclusiveMin: true, description: 'negative scale β' },
    base: { type: 'number', description: 'offset λ' },
    distance: distanceOptionSpec,
  },
  check: ({ embeddings, anchors, targets }, _options, context) => {
    if (!context.validate) return;
    checkClassIds(context.fn, 'anchors', anchors, embeddings.shape[0]!);
    checkValueRange(context.fn, 'targets', targets, 0, 1);
  },
  batch: ({ embeddings, mixed, anchors, targets }, { alpha, beta, base, distance = cosineSimilarity() }) => {
    const matrix = distance.pairwise(embeddings, mixed); // [B, M]
    const owner = tf.transpose(oneHot(anchors, embeddings.shape[0]!)); // [B, M]
    const posTerm = logOnePlusWeighted(
      tf.mul(marginOf(distance, matrix, base), alpha),
      tf.mul(owner, targets),
    );
    const negTerm = logOnePlusWeighted(
      tf.mul(marginOf(distance, base, matrix), beta),
      tf.mul(owner, tf.sub(1, targets)),
    );
    const perAnchor = tf.add(tf.div(posTerm, alpha), tf.div(negTerm, beta));
    const owners = tf.sum(tf.step(tf.sum(owner, 1)));
    return tf.div(tf.sum(perAnchor), tf.maximum(owners, 1));
  },
});
