import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, differentLabelMask, type Reducer, sameLabelMask } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { metricInputs, reducerOptionSpec } from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';

/** Options of {@link fastApLoss}. */
export interface FastApLossOptions {
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
 * (PML's `FastAPLoss`, the paper's histogram form; anchors without a positive are left out).
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient when no anchor has a positive.
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
  },
  batch: ({ embeddings, labels }, options, context) => {
    const bins = options.numBins;
    const d = lpDistance({ power: 2 }).pairwise(embeddings); // [B, B] in [0, 4]
    const pos = tf.cast(sameLabelMask(labels), 'float32');
    const neg = tf.cast(differentLabelMask(labels), 'float32');
    const delta = 4 / bins;
    const centres = tf.reshape(tf.linspace(0, 4, bins + 1), [1, 1, bins + 1]);
    const pulse = tf.relu(tf.sub(1, tf.div(tf.abs(tf.sub(tf.expandDims(d, 2), centres)), delta))); // [B, B, L+1]
    const histogram = (mask: tf.Tensor) => tf.sum(tf.mul(pulse, tf.expandDims(mask, 2)), 1); // [B, L+1]
    const hPos = histogram(pos);
    const hAll = tf.add(hPos, histogram(neg));
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
