import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, type Reducer } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { maskedLogSumExp } from '../internal/log-one-plus.js';
import { similarityLogits, temperatureLossOptions } from '../internal/similarity-logits.js';
import { metricInputs, pairMasks, selectTuples, type TupleOptions } from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { avgNonZeroReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link supConLoss}. */
export interface SupConLossOptions extends TupleOptions {
  /** Temperature τ. @defaultValue 0.1 */
  readonly temperature?: number;
  /** A distance is negated into a similarity. @defaultValue cosineSimilarity() */
  readonly distance?: Distance;
  /** Over the B per-anchor losses. @defaultValue avgNonZeroReducer() */
  readonly reducer?: Reducer;
}

/**
 * Supervised contrastive loss (Khosla et al., NeurIPS 2020), the "L_out" form:
 *
 *   Lᵢ = −(1/|P(i)|) Σ_{p∈P(i)} [ s_ip/τ − log Σ_{a∈A(i)} e^{s_ia/τ} ],   A(i) = P(i) ∪ N(i) (self excluded)
 *
 * Anchors without positives give 0 (and the default reducer drops them).
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2004.11362
 * @example const loss = supConLoss(embeddings, labels, { temperature: 0.1 });
 */
export const supConLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  SupConLossOptions,
  { temperature: number }
>({
  id: 'xent/sup-con',
  name: 'supConLoss',
  family: 'metric',
  summary: 'Softmax over all other batch members, averaged over every positive of the anchor.',
  reference: {
    title: 'Supervised Contrastive Learning',
    url: 'https://arxiv.org/abs/2004.11362',
    year: 2020,
  },
  inputs: metricInputs,
  defaults: { temperature: 0.1 },
  options: temperatureLossOptions,
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? cosineSimilarity();
    const tuples = selectTuples(context, embeddings, labels, options);
    const logits = similarityLogits(distance, embeddings, options.temperature);
    const { pos, neg } = pairMasks(tuples, labels, embeddings.shape[0]!);
    const any = tf.maximum(pos, neg);
    const count = tf.sum(pos, 1);
    // Rows with no positive: 0 (the LSE may be −∞ there, so select instead of multiplying).
    const hasPositive = tf.greater(count, 0);
    const lse = maskedLogSumExp(logits, any);
    const safeLse = tf.where(hasPositive, lse, tf.zerosLike(lse));
    const meanPositive = tf.div(tf.sum(tf.mul(logits, pos), 1), tf.maximum(count, 1));
    const losses = tf.where(hasPositive, tf.sub(safeLse, meanPositive), tf.zerosLike(lse));
    return applyReducer(context.fn, options.reducer ?? avgNonZeroReducer(), [{ losses, kind: 'element' }]);
  },
});
