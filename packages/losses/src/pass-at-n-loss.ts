import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type IgnoreIndexOptions, log1mExp, type ReductionOptions } from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { logComplement } from './internal/log-complement.js';
import { trueClassLoss } from './internal/true-class.js';

/** Options for {@link passAtNLoss}. */
export interface PassAtNLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Number of attempts N ≥ 1 the model gets at test time; N = 1 gives cross-entropy. @defaultValue 4 */
  readonly n?: number;
}

/** Below this log-value the series forms are used (their next terms are below float32 resolution). */
const SERIES_BELOW = -10;

/** where() on a 0/1 mask built with `step`, which has a (zero) gradient, unlike comparisons. */
function select(mask: tf.Tensor, ifTrue: tf.Tensor, ifFalse: tf.Tensor): tf.Tensor {
  return tf.where(tf.cast(mask, 'bool'), ifTrue, ifFalse);
}

/** −log(1 − (1 − p)^N) from nll = −log p, in log space with series forms in both tails. */
function passAtN(nll: tf.Tensor, n: number): tf.Tensor {
  const logp = tf.neg(nll);
  // log u, u = −log(1 − p)
  const tinyP = tf.step(tf.sub(SERIES_BELOW, logp));
  const logU = select(
    tinyP,
    tf.add(logp, tf.mul(tf.exp(logp), 0.5)),
    tf.log(tf.neg(logComplement(tf.maximum(logp, SERIES_BELOW)))),
  );
  // b = log(N·u); ℓ = −log(1 − exp(−e^b))
  const b = tf.add(logU, Math.log(n));
  const tinyB = tf.step(tf.sub(SERIES_BELOW, b));
  return tf.neg(
    select(tinyB, tf.sub(b, tf.mul(tf.exp(b), 0.5)), log1mExp(tf.neg(tf.exp(tf.maximum(b, SERIES_BELOW))))),
  );
}

/**
 * Confidence-limited loss for pass@N (Chen et al., DCO, NeurIPS 2025): the log-probability that at
 * least one of N samples is correct, which stops pushing once p_y ≳ 1/N.
 *
 *   ℓᵢ = −log(1 − (1 − p_{i,yᵢ})^N),   ∇ℓᵢ = F(N, p)·∇(−log p_{i,yᵢ}),  F = N(1 − p)^{N−1}p / (1 − (1 − p)^N)
 *
 * Computed in log space: u = −log(1 − p_y) (from log p_y, series log u ≈ log p_y + p_y/2 when p_y is
 * tiny), then ℓ = −log(1 − e^{−N·u}) (series ≈ −log(N·u) + N·u/2 when N·u is tiny), so it is finite
 * and accurate from p_y ≈ e^{−100} to p_y → 1. With float targets ℓᵢ = Σ_c t_ic·ℓ(p_ic), the
 * package's convention for losses of p_y.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2502.07154
 * @example const loss = passAtNLoss(logits, labels, { n: 16 });
 */
export const passAtNLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  PassAtNLossOptions,
  { n: number }
>({
  id: 'xent/pass-at-n',
  name: 'passAtNLoss',
  family: 'classification',
  summary: 'Cross-entropy for pass@N: −log(1 − (1 − p_y)^N) stops sharpening once p_y ≳ 1/N.',
  reference: {
    title:
      'Rethinking Fine-Tuning when Scaling Test-Time Compute: Limiting Confidence Improves Mathematical Reasoning',
    url: 'https://arxiv.org/abs/2502.07154',
    year: 2025,
    authors: 'Chen, Raventós, Cheng, Ganguli, Druckmann',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { n: 4 },
  options: { n: { type: 'number', min: 1, integer: true, description: 'attempts N at test time' } },
  perExample: ({ logits, labels }, { n }) => trueClassLoss(logits, labels, (nll) => passAtN(nll, n)),
});
