import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, type Reducer } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { maskedLogSumExp } from '../internal/log-one-plus.js';
import { similarityLogits, temperatureLossOptions } from '../internal/similarity-logits.js';
import { metricInputs, pairMasks, pairWeights, selectTuples, type TupleOptions } from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link ntXentLoss}. */
export interface NtXentLossOptions extends TupleOptions {
  /** Temperature τ. @defaultValue 0.07 */
  readonly temperature?: number;
  /** A distance is negated into a similarity. @defaultValue cosineSimilarity() */
  readonly distance?: Distance;
  /** Over the positive pairs. @defaultValue meanReducer() */
  readonly reducer?: Reducer;
}

/**
 * NT-Xent / InfoNCE (Chen et al. 2020; van den Oord et al. 2018), per positive pair as in PML:
 *
 *   ℓ(a, p) = −log( e^{s_ap/τ} / (e^{s_ap/τ} + Σ_{n∈N(a)} e^{s_an/τ}) ) = softplus( LSE_{n∈N(a)}(s_an/τ) − s_ap/τ )
 *
 * The anchor's other positives are not in the denominator (that is {@link supConLoss}).
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2002.05709
 * @example const loss = ntXentLoss(embeddings, labels, { temperature: 0.1 });
 */
export const ntXentLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  NtXentLossOptions,
  { temperature: number }
>({
  id: 'xent/nt-xent',
  name: 'ntXentLoss',
  family: 'metric',
  summary: 'Softmax of each positive pair against the anchor’s negatives (InfoNCE).',
  reference: {
    title: 'A Simple Framework for Contrastive Learning of Visual Representations',
    url: 'https://arxiv.org/abs/2002.05709',
    year: 2020,
  },
  inputs: metricInputs,
  defaults: { temperature: 0.07 },
  options: temperatureLossOptions,
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? cosineSimilarity();
    const tuples = selectTuples(context, embeddings, labels, options);
    const logits = similarityLogits(distance, embeddings, options.temperature);
    const batch = embeddings.shape[0]!;
    const { pos } = pairWeights(tuples, labels, batch);
    const { neg } = pairMasks(tuples, labels, batch);
    const negatives = maskedLogSumExp(logits, neg, true);
    const losses = tf.softplus(tf.sub(negatives, logits));
    return applyReducer(context.fn, options.reducer ?? meanReducer(), [
      { losses, weights: pos, kind: 'pos-pair' },
    ]);
  },
});
