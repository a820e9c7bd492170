import * as tf from '@tensorflow/tfjs-core';
import {
  checkClassIds,
  checkValueRange,
  type Distance,
  defineLoss,
  gatherRowsSparse,
  segmentSum,
} from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { marginOf } from '../distances/make-distance.js';
import { segmentLogOnePlusSumExp } from '../internal/segment-log-one-plus.js';
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
export const metrixMultiSimilarityLoss = /* @__PURE__ */ defineLoss<
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
    // Each mixed embedding is compared with its own anchor only: M paired similarities, no [B, M] matmul.
    const similarity = distance.paired(gatherRowsSparse(embeddings, anchors), mixed); // [M]
    const size = embeddings.shape[0]!;
    const posTerm = segmentLogOnePlusSumExp(
      tf.mul(marginOf(distance, similarity, base), alpha),
      targets,
      anchors,
      size,
    );
    const negTerm = segmentLogOnePlusSumExp(
      tf.mul(marginOf(distance, base, similarity), beta),
      tf.sub(1, targets),
      anchors,
      size,
    );
    const perAnchor = tf.add(tf.div(posTerm, alpha), tf.div(negTerm, beta));
    const owned = tf.step(segmentSum(tf.onesLike(similarity), anchors, size));
    return tf.div(tf.sum(perAnchor), tf.maximum(tf.sum(owned), 1));
  },
});
