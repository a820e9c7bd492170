import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, dotProduct, type Reducer } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { optionSpecs } from '../internal/option-specs.js';
import {
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

/** Options of {@link angularLoss}. */
export interface AngularLossOptions extends TupleOptions, ReferenceOptions {
  /** The angle α at the negative, in degrees, in (0, 70]. @defaultValue 40 */
  readonly alpha?: number;
  /** Over the positive pairs. @defaultValue meanReducer() */
  readonly reducer?: Reducer;
}

/**
 * Angular loss (Wang et al., ICCV 2017), N-pair form, per positive pair (a, p) against every sample n
 * of another class than a, on L2-normalised rows:
 *
 *   ℓ_ap = log(1 + Σₙ exp(4 tan²α (x_a + x_p)·x_n − 2(1 + tan²α) x_a·x_p))
 *
 * (PML's `AngularLoss`; the positive pairs may be mined, the negatives are always every other-class
 * sample). The B³ sum is computed as one B×B matmul of e^{4tan²α(s − 1)} factors, exact while
 * 8 tan²α stays within float32's exponent range — hence α ≤ 70°. PML normalises anchors and positives
 * but not the negatives; here all rows are normalised, as in the paper (the same for normalised inputs).
 * With `refEmbeddings`/`refLabels`, p and n are reference rows (PML's `ref_emb`): the sum is one
 * `[B, M] × [M, M]` matmul; `positiveMask`/`negativeMask` replace label equality for the pairs.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient without positive pairs or negatives.
 * @see https://arxiv.org/abs/1708.01682
 * @example const loss = angularLoss(embeddings, labels, { alpha: 40 });
 */
export const angularLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  AngularLossOptions,
  { alpha: number }
>({
  id: 'xent/angular',
  name: 'angularLoss',
  family: 'metric',
  summary: 'Bounds the angle at the negative of each triangle formed with a positive pair.',
  reference: {
    title: 'Deep Metric Learning with Angular Loss',
    url: 'https://arxiv.org/abs/1708.01682',
    year: 2017,
  },
  inputs: metricInputs,
  defaults: { alpha: 40 },
  options: /* @__PURE__ */ optionSpecs(
    {
      alpha: { type: 'number', min: 0, max: 70, exclusiveMin: true, description: 'angle α (degrees)' },
      reducer: reducerOptionSpec,
    },
    tupleOptionSpecs,
    referenceOptionSpecs,
  ),
  batch: ({ embeddings, labels }, options, context) => {
    const t = Math.tan((options.alpha * Math.PI) / 180) ** 2;
    const cosine = cosineSimilarity();
    // s = cos(query, reference row) `[B, M]`; the reference is the batch unless refEmbeddings.
    const {
      tuples,
      matrix: s,
      pairing,
      reference,
    } = tuplesAndMatrix(context, cosine, embeddings, labels, options);
    const batch = embeddings.shape[0]!;
    const { pos } = pairWeights(tuples, labels, batch, pairing);
    // The negatives are always every other-class reference row (or the custom negatives).
    const { neg } = pairWeights({ kind: 'all' }, labels, batch, pairing);
    // Σₙ keep_an e^{4t s_an} e^{4t s_pn} = e^{8t} [(keep ⊙ E) Fᵀ]_ap with E = e^{4t(s − 1)} ∈ (0, 1] and
    // F the same over reference × reference (F = E without a reference set).
    const factors = tf.exp(tf.mul(tf.sub(s, 1), 4 * t));
    const refFactors = reference.isBatch
      ? factors
      : tf.exp(tf.mul(tf.sub(cosine.pairwise(reference.embeddings), 1), 4 * t));
    const inner = dotProduct(tf.mul(neg, factors), refFactors); // (keep ⊙ E) Fᵀ as core's plain-matmul a·bᵀ
    const hasNeg = tf.step(tf.sum(neg, 1, true)); // [B, 1]
    const logTerm = tf.add(tf.sub(8 * t, tf.mul(s, 2 * (1 + t))), tf.log(tf.add(inner, tf.sub(1, hasNeg))));
    const losses = tf.mul(tf.softplus(logTerm), hasNeg);
    return applyReducer(
      context.fn,
      options.reducer ?? meanReducer(),
      [{ losses, weights: pos, kind: 'pos-pair' }],
      labels,
    );
  },
});
