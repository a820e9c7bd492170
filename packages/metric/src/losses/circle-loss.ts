import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type Reducer, stopGradient } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { maskedLogSumExp } from '../internal/log-one-plus.js';
import { optionSpecs } from '../internal/option-specs.js';
import {
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
import { avgNonZeroReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link circleLoss}. */
export interface CircleLossOptions extends TupleOptions, ReferenceOptions {
  /** Relaxation margin m. @defaultValue 0.4 */
  readonly m?: number;
  /** Scale γ. @defaultValue 80 */
  readonly gamma?: number;
  /** Over the B per-anchor losses. @defaultValue avgNonZeroReducer() */
  readonly reducer?: Reducer;
}

/**
 * Circle loss (Sun et al., CVPR 2020) on cosine similarities, pair-based form as in PML:
 *
 *   Lᵢ = softplus( LSE_{p∈Pᵢ}(−γ·[1 + m − sg(s_p)]₊·(s_p − 1 + m)) + LSE_{n∈Nᵢ}(γ·[sg(s_n) + m]₊·(s_n − m)) )
 *
 * (sg = stop-gradient). Rows lacking positives or negatives give 0.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2002.10857
 * @example const loss = circleLoss(embeddings, labels, { m: 0.25, gamma: 256 });
 */
export const circleLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  CircleLossOptions,
  { m: number; gamma: number }
>({
  id: 'xent/circle',
  name: 'circleLoss',
  family: 'metric',
  summary: 'Re-weights each similarity by its distance from its optimum, with a circular margin.',
  reference: {
    title: 'Circle Loss: A Unified Perspective of Pair Similarity Optimization',
    url: 'https://arxiv.org/abs/2002.10857',
    year: 2020,
  },
  inputs: metricInputs,
  defaults: { m: 0.4, gamma: 80 },
  options: /* @__PURE__ */ optionSpecs(
    {
      m: { type: 'number', description: 'margin m' },
      gamma: { type: 'number', min: 0, exclusiveMin: true, description: 'scale γ' },
      reducer: reducerOptionSpec,
    },
    tupleOptionSpecs,
    referenceOptionSpecs,
  ),
  batch: ({ embeddings, labels }, options, context) => {
    const { m, gamma } = options;
    const {
      tuples,
      matrix: s,
      pairing,
    } = tuplesAndMatrix(context, cosineSimilarity(), embeddings, labels, options);
    const { pos, neg } = pairMasks(tuples, labels, embeddings.shape[0]!, pairing);
    const detached = stopGradient(s);
    const posLogits = tf.mul(tf.mul(tf.relu(tf.sub(1 + m, detached)), tf.sub(s, 1 - m)), -gamma);
    const negLogits = tf.mul(tf.mul(tf.relu(tf.add(detached, m)), tf.sub(s, m)), gamma);
    const losses = tf.softplus(tf.add(maskedLogSumExp(posLogits, pos), maskedLogSumExp(negLogits, neg)));
    return applyReducer(
      context.fn,
      options.reducer ?? avgNonZeroReducer(),
      [{ losses, kind: 'element' }],
      labels,
    );
  },
});
