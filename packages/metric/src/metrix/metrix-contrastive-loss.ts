import * as tf from '@tensorflow/tfjs-core';
import {
  checkClassIds,
  checkValueRange,
  type Distance,
  defineLoss,
  gatherRowsSparse,
  type Reducer,
} from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { marginOf } from '../distances/make-distance.js';
import { distanceOptionSpec, reducerOptionSpec } from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { avgNonZeroReducer } from '../reducers/threshold-reducer.js';
import { metrixInputs } from './metrix-inputs.js';

/** Options of {@link metrixContrastiveLoss}. */
export interface MetrixContrastiveLossOptions {
  /** @defaultValue 0 */
  readonly posMargin?: number;
  /** @defaultValue 0.5 (the official Metrix code) */
  readonly negMargin?: number;
  /** @defaultValue lpDistance() */
  readonly distance?: Distance;
  /** Applied to the positive and negative parts separately, then summed. @defaultValue avgNonZeroReducer() */
  readonly reducer?: Reducer;
  /** @defaultValue true */
  readonly validate?: boolean;
}

/**
 * Metrix's mixed contrastive loss: each mixed embedding ũ with positivity y, at distance d from its
 * anchor, contributes
 *
 *   ℓ⁺ = y·[d − m⁺]₊,   ℓ⁻ = (1 − y)·[m⁻ − d]₊
 *
 * each part averaged over its non-zero terms (official code), then summed.
 *
 * @param embeddings float32 `[B, D]`.  @param mixed float32 `[M, D]`.  @param anchors int32 `[M]`.  @param targets float32 `[M]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2106.04990
 * @example const mixedLoss = metrixContrastiveLoss(embeddings, mix.mixed, mix.anchors, mix.targets);
 */
export const metrixContrastiveLoss = /* @__PURE__ */ defineLoss<
  typeof metrixInputs,
  MetrixContrastiveLossOptions,
  { posMargin: number; negMargin: number }
>({
  id: 'xent/metrix-contrastive',
  name: 'metrixContrastiveLoss',
  family: 'metric',
  summary: 'Contrastive loss on mixup embeddings with soft positivity targets (Metrix).',
  reference: {
    title: 'It Takes Two to Tango: Mixup for Deep Metric Learning',
    url: 'https://arxiv.org/abs/2106.04990',
    year: 2022,
  },
  inputs: metrixInputs,
  defaults: { posMargin: 0, negMargin: 0.5 },
  options: {
    posMargin: { type: 'number', description: 'positive margin' },
    negMargin: { type: 'number', description: 'negative margin' },
    distance: distanceOptionSpec,
    reducer: reducerOptionSpec,
  },
  check: ({ embeddings, anchors, targets }, _options, context) => {
    if (!context.validate) return;
    checkClassIds(context.fn, 'anchors', anchors, embeddings.shape[0]!);
    checkValueRange(context.fn, 'targets', targets, 0, 1);
  },
  batch: ({ embeddings, mixed, anchors, targets }, options, context) => {
    const distance = options.distance ?? lpDistance();
    const d = distance.paired(gatherRowsSparse(embeddings, anchors), mixed);
    return applyReducer(context.fn, options.reducer ?? avgNonZeroReducer(), [
      { losses: tf.mul(targets, tf.relu(marginOf(distance, d, options.posMargin))), kind: 'pos-pair' },
      {
        losses: tf.mul(tf.sub(1, targets), tf.relu(marginOf(distance, options.negMargin, d))),
        kind: 'neg-pair',
      },
    ]);
  },
});
