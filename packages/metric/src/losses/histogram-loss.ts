import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, selectTuples, type TupleOptions } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import { indicesSpec, minerSpec, onMinedSpec } from '../internal/option-spec-entries.js';
import { softHistograms } from '../internal/soft-histogram.js';
import { metricInputs, pairMasks } from '../internal/tuples.js';

/** Options of {@link histogramLoss}. */
export interface HistogramLossOptions extends TupleOptions {
  /** Histogram bins R over the cosine range [−1, 1]; the bin width is Δ = 2/R (PML's `delta`). @defaultValue 100 */
  readonly numBins?: number;
}

/**
 * Histogram loss (Ustinova & Lempitsky, NIPS 2016): the probability that a random negative pair is
 * more similar than a random positive pair, estimated from soft histograms of the cosine similarities
 * of the positive and the negative pairs at the R + 1 nodes t_r = −1 + rΔ (Δ = 2/R):
 *
 *   h±_r = (1/|S±|) Σ_{(i,j)∈S±} [1 − |s_ij − t_r|/Δ]₊,   L = Σ_r h⁻_r · Σ_{q≤r} h⁺_q
 *
 * S± are the unordered pairs {i, j} (each once) of PML's `HistogramLoss`: without `indices`/`miner`
 * every same-class pair and every other-class pair whose anchor has a positive (the pairs of all
 * triplets); with mined triplets their (a, p) and (a, n) pairs; with mined pairs those of anchors that
 * have both kinds. A batch-level scalar (no reducer).
 *
 * @param embeddings float32 `[B, D]` (cosine similarity: rows need not be normalised).
 * @param labels int32 `[B]`.
 * @returns a scalar in [0, 1]; 0 with a zero gradient when there is no triplet (one class, singletons).
 * @see https://arxiv.org/abs/1611.00822
 * @example const loss = histogramLoss(embeddings, labels, { numBins: 100 });
 */
export const histogramLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  HistogramLossOptions,
  { numBins: number }
>({
  id: 'xent/histogram',
  name: 'histogramLoss',
  family: 'metric',
  summary: 'Probability that a negative pair outranks a positive pair, from soft similarity histograms.',
  reference: {
    title: 'Learning Deep Embeddings with Histogram Loss',
    url: 'https://arxiv.org/abs/1611.00822',
    year: 2016,
  },
  inputs: metricInputs,
  defaults: { numBins: 100 },
  options: {
    numBins: { type: 'number', min: 1, integer: true, description: 'histogram bins R (Δ = 2/R)' },
    indices: indicesSpec,
    miner: minerSpec,
    onMined: onMinedSpec,
  },
  batch: ({ embeddings, labels }, options, context) => {
    const bins = options.numBins;
    const batch = embeddings.shape[0]!;
    const tuples = selectTuples(context, embeddings, labels, options);
    const masks = pairMasks(tuples, labels, batch);
    // Anchors with both kinds of pair (PML converts to triplets first); then each unordered pair once.
    const pos = tf.mul(masks.pos, tf.expandDims(tf.step(tf.sum(masks.neg, 1)), 1));
    const neg = tf.mul(masks.neg, tf.expandDims(tf.step(tf.sum(masks.pos, 1)), 1));
    const upper = tf.sub(tf.linalg.bandPart(tf.ones([batch, batch]), 0, -1), tf.eye(batch));
    const unordered = (m: tf.Tensor) => tf.mul(tf.step(tf.add(m, tf.transpose(m))), upper);
    const [posPairs, negPairs] = [unordered(pos), unordered(neg)];
    const u = tf.div(tf.add(tf.clipByValue(cosineSimilarity().pairwise(embeddings), -1, 1), 1), 2 / bins);
    const counts = softHistograms(u, posPairs, tf.mul(negPairs, tf.sub(1, posPairs)), bins, false); // [1, R+1, 2]
    const [nPos, nNeg] = [tf.sum(posPairs), tf.sum(negPairs)];
    const hPos = tf.div(tf.reshape(tf.slice(counts, [0, 0, 0], [1, -1, 1]), [-1]), tf.maximum(nPos, 1));
    const hNeg = tf.div(tf.reshape(tf.slice(counts, [0, 0, 1], [1, -1, 1]), [-1]), tf.maximum(nNeg, 1));
    const any = tf.mul(tf.step(nPos), tf.step(nNeg));
    return tf.mul(tf.sum(tf.mul(hNeg, tf.cumsum(hPos))), any);
  },
});
