import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type Reducer } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import {
  negativeMaskSpec,
  positiveMaskSpec,
  refEmbeddingsSpec,
  refLabelsSpec,
} from '../internal/option-spec-entries.js';
import { softHistograms } from '../internal/soft-histogram.js';
import {
  metricInputs,
  pairMasks,
  type ReferenceOptions,
  reducerOptionSpec,
  tuplesAndMatrix,
} from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link fastApLoss}. */
export interface FastApLossOptions extends ReferenceOptions {
  /** Histogram bins L over the squared distance range [0, 4]. @defaultValue 10 */
  readonly numBins?: number;
  /** Over the anchors that have a positive. @defaultValue meanReducer() */
  readonly reducer?: Reducer;
  /** @defaultValue true */
  readonly validate?: boolean;
}

/**
 * FastAP (Cakir et al., CVPR 2019): 1 − a differentiable average precision per anchor, from soft
 * (triangular-kernel) histograms of the squared Euclidean distances of L2-normalised rows over L + 1
 * bin centres z_l = 4l/L:
 *
 *   h±ᵢ,l = Σ_{j∈P/Nᵢ} [1 − |d²_ij − z_l|/Δ]₊,  H⁺ = cumsum h⁺,  H = cumsum (h⁺ + h⁻),
 *   ℓᵢ = 1 − (1/|Pᵢ|) Σ_l h⁺ᵢ,l H⁺ᵢ,l / Hᵢ,l   (Δ = 4/L; terms with h⁺H⁺ = 0 are 0)
 *
 * (PML's `FastAPLoss`, the paper's histogram form; anchors without a positive are left out). Each
 * distance falls between two adjacent centres and adds 1 − t and t (t its fractional bin position) to
 * them, so the histograms are two scatter-adds over the `[B, M]` pairs, not a `[B, M, L + 1]` tensor.
 * With `refEmbeddings`/`refLabels` each query ranks the reference set (the paper's database; PML has
 * no reference set here); `positiveMask`/`negativeMask` give custom relevance (pairs in neither mask
 * are not ranked).
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient when no anchor has a positive (one class: AP = 1, so 0
 * up to float32 rounding).
 * @see https://arxiv.org/abs/1906.04312
 * @example const loss = fastApLoss(embeddings, labels, { numBins: 10 });
 */
export const fastApLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  FastApLossOptions,
  { numBins: number }
>({
  id: 'xent/fast-ap',
  name: 'fastApLoss',
  family: 'metric',
  summary: 'One minus a histogram-binned, differentiable average precision of each anchor’s ranking.',
  reference: {
    title: 'Deep Metric Learning to Rank',
    url: 'https://arxiv.org/abs/1906.04312',
    year: 2019,
  },
  inputs: metricInputs,
  defaults: { numBins: 10 },
  options: {
    numBins: { type: 'number', min: 1, integer: true, description: 'histogram bins L' },
    reducer: reducerOptionSpec,
    refEmbeddings: refEmbeddingsSpec,
    refLabels: refLabelsSpec,
    positiveMask: positiveMaskSpec,
    negativeMask: negativeMaskSpec,
  },
  batch: ({ embeddings, labels }, options, context) => {
    const bins = options.numBins;
    const delta = 4 / bins;
    const { tuples, matrix, pairing } = tuplesAndMatrix(
      context,
      lpDistance({ power: 2 }),
      embeddings,
      labels,
      options,
    );
    const { pos, neg } = pairMasks(tuples, labels, matrix.shape[0]!, pairing);
    // Bin positions u = d²/Δ ∈ [0, L]; channel 0: positives, 1: negatives.
    const u = tf.div(tf.clipByValue(matrix, 0, 4), delta);
    const histograms = softHistograms(u, pos, tf.mul(neg, tf.sub(1, pos)), bins, true); // [B, L+1, 2]
    const hPos = tf.squeeze(tf.slice(histograms, [0, 0, 0], [-1, -1, 1]), [2]);
    const hAll = tf.sum(histograms, 2);
    const product = tf.mul(hPos, tf.cumsum(hPos, 1));
    const total = tf.cumsum(hAll, 1);
    // h⁺H⁺ > 0 implies H > 0; elsewhere the term is 0 (the 1 only keeps the division finite).
    const terms = tf.div(product, tf.add(total, tf.sub(1, tf.step(total))));
    const positives = tf.sum(pos, 1);
    const hasPositive = tf.step(positives);
    const ap = tf.div(tf.sum(terms, 1), tf.maximum(positives, 1));
    const losses = tf.mul(tf.sub(1, ap), hasPositive);
    return applyReducer(
      context.fn,
      options.reducer ?? meanReducer(),
      [{ losses, weights: hasPositive, kind: 'element' }],
      labels,
    );
  },
});
