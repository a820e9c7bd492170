import * as tf from '@tensorflow/tfjs-core';
import { type Distance, defineLoss, type Reducer, rowLogSumExp, sameLabelMask } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { maskedRowLogSumExp } from '../internal/masked-row-lse.js';
import {
  negativeMaskSpec,
  positiveMaskSpec,
  refEmbeddingsSpec,
  refLabelsSpec,
} from '../internal/option-spec-entries.js';
import {
  distanceOptionSpec,
  metricInputs,
  pairMasks,
  type ReferenceOptions,
  reducerOptionSpec,
  tuplesAndMatrix,
} from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link ncaLoss}. */
export interface NcaLossOptions extends ReferenceOptions {
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
 * With `refEmbeddings`/`refLabels` the neighbours j run over the reference set (every row, no self
 * pair, as PML's `ref_emb`). With `positiveMask` the positives Pᵢ are the mask's and the neighbours
 * are Pᵢ ∪ Nᵢ (`negativeMask`, default: every other row), so pairs in neither mask are ignored.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient when B ≤ 1 or no sample has a positive (one class: 0, as
 * every neighbour is a positive).
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
    refEmbeddings: refEmbeddingsSpec,
    refLabels: refLabelsSpec,
    positiveMask: positiveMaskSpec,
    negativeMask: negativeMaskSpec,
  },
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? lpDistance({ power: 2 });
    const { tuples, matrix, pairing } = tuplesAndMatrix(context, distance, embeddings, labels, options);
    // Without custom masks the neighbours are every other row (every reference row): no label mask.
    const custom = pairing.positiveMask
      ? pairMasks(tuples, labels, embeddings.shape[0]!, pairing)
      : undefined;
    const pos = custom?.pos ?? tf.cast(sameLabelMask(labels, pairing.refLabels), 'float32');
    const logits = tf.mul(matrix, distance.isInverted ? options.softmaxScale : -options.softmaxScale);
    const neighbours = custom
      ? maskedRowLogSumExp(logits, tf.step(tf.add(custom.pos, custom.neg)))
      : pairing.refLabels
        ? rowLogSumExp(logits)
        : maskedRowLogSumExp(logits, tf.sub(1, tf.eye(embeddings.shape[0]!)));
    const hasPositive = tf.step(tf.sum(pos, 1));
    const losses = tf.sub(neighbours, maskedRowLogSumExp(logits, pos, hasPositive));
    return applyReducer(
      context.fn,
      options.reducer ?? meanReducer(),
      [{ losses: tf.mul(losses, hasPositive), weights: hasPositive, kind: 'element' }],
      labels,
    );
  },
});
