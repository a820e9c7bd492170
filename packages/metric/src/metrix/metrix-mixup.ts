import * as tf from '@tensorflow/tfjs-core';
import {
  gatherRowsSparse,
  type OptionSchema,
  resolveOptions,
  seededRandom,
  type TensorInput,
} from '@xent/core';
import { embeddingsAndLabels } from '../internal/batch-inputs.js';
import { sampleBeta } from '../metrics/random.js';

/** Which pairs {@link metrixMixup} mixes. */
export type MetrixMode = 'positive-negative' | 'anchor-negative';

/** Options of {@link metrixMixup}. */
export interface MetrixMixupOptions {
  /** positive–negative: one random positive p of a with each negative n; anchor–negative: a itself with each n. @defaultValue 'positive-negative' */
  readonly mode?: MetrixMode;
  /** λ ~ Beta(α, α). @defaultValue 2 */
  readonly alpha?: number;
  /** Seed of the λ draws and positive choices. @defaultValue 0 */
  readonly seed?: number;
}

const OPTIONS: OptionSchema<MetrixMixupOptions> = {
  mode: { type: 'enum', values: ['positive-negative', 'anchor-negative'], description: 'which pairs to mix' },
  alpha: { type: 'number', min: 0, exclusiveMin: true, description: 'λ ~ Beta(α, α)' },
  seed: { type: 'number', integer: true, description: 'seed of the λ draws (0 is a seed)' },
};

/** Mixed embeddings and their soft positivity targets w.r.t. their anchor. */
export interface MetrixBatch {
  /** float32 `[M, D]`: ũ = λ·x + (1 − λ)·n, differentiable in the embeddings. */
  readonly mixed: tf.Tensor;
  /** int32 `[M]`: the anchor each mixed embedding is scored against. */
  readonly anchors: tf.Tensor;
  /** float32 `[M]`: positivity y(ũ) = λ (x is positive or the anchor, n negative). */
  readonly targets: tf.Tensor;
}

/**
 * Metrix embedding mixup ("It Takes Two to Tango: Mixup for Deep Metric Learning", Venkataramanan et
 * al., ICLR 2022): for each anchor a and each of its negatives n, mixes ũ = λ·x + (1 − λ)·n with x a
 * positive of a (or a itself) and λ ~ Beta(α, α), and labels it with positivity y(ũ) = λ. Feed the
 * result to {@link metrixContrastiveLoss} or {@link metrixMultiSimilarityLoss} and add it to the clean
 * loss: L = ℓ_clean + w·ℓ_mixed (the paper uses w = 0.4). Reads labels on the host; M can be ~B².
 *
 * Degenerate inputs: a batch without any anchor that has both a positive (or, in anchor–negative mode,
 * itself) and a negative gives M = 0 (empty `[0, D]`, `[0]`, `[0]` tensors). Errors: `SHAPE_MISMATCH`,
 * `DTYPE_MISMATCH` (non-integer ids), `EMPTY_BATCH`, `NON_FINITE_INPUT`, and `INVALID_OPTION` for an
 * unknown option, a mode not listed, α ≤ 0 or ±Infinity (no hang) or a non-integer seed.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @see https://arxiv.org/abs/2106.04990
 * @example
 * const mix = metrixMixup(embeddings, labels, { seed: step });
 * const loss = tf.add(contrastiveLoss(embeddings, labels),
 *   tf.mul(metrixContrastiveLoss(embeddings, mix.mixed, mix.anchors, mix.targets), 0.4));
 */
export function metrixMixup(
  embeddings: TensorInput,
  labels: TensorInput,
  options: MetrixMixupOptions = {},
): MetrixBatch {
  const fn = 'metrixMixup';
  const { mode, alpha, seed } = resolveOptions(fn, OPTIONS, options, {
    mode: 'positive-negative',
    alpha: 2,
    seed: 0,
  });
  return tf.tidy(() => {
    const { x, y: ids } = embeddingsAndLabels(fn, embeddings, labels);
    const y = Array.from(ids.dataSync());
    const uniform = seededRandom(seed);
    const anchors: number[] = [];
    const sources: number[] = [];
    const negatives: number[] = [];
    const lambdas: number[] = [];
    y.forEach((label, a) => {
      const positives = y.flatMap((other, j) => (other === label && j !== a ? [j] : []));
      if (mode === 'positive-negative' && positives.length === 0) return;
      y.forEach((other, n) => {
        if (other === label) return;
        anchors.push(a);
        sources.push(mode === 'anchor-negative' ? a : positives[Math.floor(uniform() * positives.length)]!);
        negatives.push(n);
        lambdas.push(sampleBeta(alpha, uniform));
      });
    });
    const lambda = tf.tensor2d(lambdas, [lambdas.length, 1], 'float32');
    const mixed = tf.add(
      tf.mul(gatherRowsSparse(x, tf.tensor1d(sources, 'int32')), lambda),
      tf.mul(gatherRowsSparse(x, tf.tensor1d(negatives, 'int32')), tf.sub(1, lambda)),
    );
    return { mixed, anchors: tf.tensor1d(anchors, 'int32'), targets: tf.tensor1d(lambdas, 'float32') };
  });
}
