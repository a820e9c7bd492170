import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, type Reducer, sameLabelMask } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { maskedLogSumExpOrZero } from '../internal/log-one-plus.js';
import { distanceOptionSpec, metricInputs, reducerOptionSpec } from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link ncaLoss}. */
export interface NcaLossOptions {
  /** Scale σ of the neighbour softmax. @defaultValue 1 */
  readonly softmaxScale?: number;
  /** @defaultValue lpDistance({ power: 2 }) (squared Euclidean of normalised rows) */
  readonly distance?: Distance;
  /** Over the anchors that have a positive. @defaultValue meanReducer() */
  readonly reducer?: Reducer;
  /** @defaultValue true */
  readonly validate?: boolean;
}

/**
 * Neighbourhood Components Analysis loss (Goldberger et al., NIPS 2004) on the batch: each sample
 * picks a neighbour j ≠ i with probability softmax_j(−σ·d_ij) and the loss is the negative log
 * probability of picking one of its own class:
 *
 *   ℓᵢ = −log Σ_{j∈Pᵢ} e^{−σd_ij} / Σ_{j≠i} e^{−σd_ij}   (similarity: +σs_ij)
 *
 * (PML's `NCALoss`), computed in log space. Samples without a positive are left out of the mean; where
 * PML also drops a row whose probability underflows to 0, this keeps its finite log-space value.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient when B ≤ 1 or no sample has a positive.
 * @see https://www.cs.toronto.edu/~hinton/absps/nca.pdf
 * @example const loss = ncaLoss(embeddings, labels, { softmaxScale: 1 });
 */
export const ncaLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  NcaLossOptions,
  { softmaxScale: number }
>({
  id: 'xent/nca',
  name: 'ncaLoss',
  family: 'metric',
  summary: 'Stochastic nearest-neighbour classification of each sample by the rest of the batch.',
  reference: {
    title: 'Neighbourhood Components Analysis',
    url: 'https://www.cs.toronto.edu/~hinton/absps/nca.pdf',
    year: 2004,
  },
  inputs: metricInputs,
  defaults: { softmaxScale: 1 },
  options: {
    softmaxScale: { type: 'number', min: 0, exclusiveMin: true, description: 'softmax scale σ' },
    distance: distanceOptionSpec,
    reducer: reducerOptionSpec,
  },
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? lpDistance({ power: 2 });
    const matrix = distance.pairwise(embeddings);
    const logits = tf.mul(distance.isInverted ? matrix : tf.neg(matrix), options.softmaxScale);
    const batch = embeddings.shape[0]!;
    const others = tf.sub(1, tf.eye(batch));
    const pos = tf.cast(sameLabelMask(labels), 'float32');
    const hasPositive = tf.step(tf.sum(pos, 1));
    const losses = tf.sub(maskedLogSumExpOrZero(logits, others), maskedLogSumExpOrZero(logits, pos));
    return applyReducer(
      context.fn,
      options.reducer ?? meanReducer(),
      [{ losses: tf.mul(losses, hasPositive), weights: hasPositive, kind: 'element' }],
      labels,
    );
  },
});
