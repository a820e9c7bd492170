import * as tf from '@tensorflow/tfjs-core';
import { isClassIds, rowLogSumExp, sparseSoftmaxCrossEntropy } from '@xent/core';

/** The paper of {@link ldrKlLoss} and {@link aldrKlLoss}. */
export const ldrReference = {
  title:
    'Label Distributionally Robust Losses for Multi-class Classification: Consistency, Robustness and Adaptivity',
  url: 'https://arxiv.org/abs/2112.14869',
  year: 2023,
  authors: 'Zhu, Ying, Yang',
} as const;

/** How LDR losses rescale the logits before the loss (the official code's choices). */
export type LdrNormalization = 'none' | 'softplus' | 'l1';

/** Option metadata shared by {@link ldrKlLoss} and {@link aldrKlLoss}. */
export const ldrNormalizationOption = {
  type: 'enum',
  values: ['none', 'softplus', 'l1'],
  description: "logit rescaling: 'softplus' s̃ = softplus(s)/mean softplus(s), 'l1' s̃ = s/(‖s‖₁/C)",
} as const;

/**
 * s̃/d: the logits as given, softplus(s)/mean_c softplus(s)_c, or s/(‖s‖₁/C) (row-wise; 0/0 gives 0),
 * divided by `divisor` d (a number or `[N, 1]`) in the same op.
 */
export function normalizeScores(
  logits: tf.Tensor,
  mode: LdrNormalization,
  divisor: number | tf.Tensor = 1,
): tf.Tensor {
  return tf.tidy(() => {
    if (mode === 'none') return divisor === 1 ? logits : tf.div(logits, divisor);
    const positive = mode === 'softplus' ? tf.softplus(logits) : logits;
    const scale = tf.mean(mode === 'softplus' ? positive : tf.abs(positive), -1, true);
    return tf.div(positive, tf.mul(tf.maximum(scale, 1e-12), divisor));
  });
}

/**
 * The label-distributionally-robust KL term, per row, from `scaled` = s̃/λ and λ (a number or `[N]`):
 *
 *   λ · log( (1/C) Σ_k exp((c·(1 − t_k) + s̃_k − Σ_j t_j s̃_j)/λ) )
 *
 * which for one-hot t is λ·log((1/C) Σ_k exp((c·1[k ≠ y] + s̃_k − s̃_y)/λ)) = λ·(CE_m(s̃/λ, y) − log C),
 * with CE_m the cross-entropy whose true-class logit is lowered by m = c/λ: for int32 ids that is
 * core's fused sparse cross-entropy with a margin (closed-form gradient, no one-hot).
 */
export function ldrKlTerm(
  scaled: tf.Tensor,
  labels: tf.Tensor,
  margin: number,
  lambda: number | tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const [, C] = scaled.shape as [number, number];
    const rowMargin = typeof lambda === 'number' ? margin / lambda : tf.div(margin, lambda);
    if (isClassIds(labels)) {
      const ce = sparseSoftmaxCrossEntropy(scaled, labels, { margin: rowMargin });
      return tf.mul(tf.sub(ce, Math.log(C)), lambda);
    }
    const columnMargin = typeof rowMargin === 'number' ? rowMargin : tf.reshape(rowMargin, [-1, 1]);
    const trueScore = tf.sum(tf.mul(labels, scaled), -1, true);
    const shifted = tf.sub(tf.add(tf.mul(tf.sub(1, labels), columnMargin), scaled), trueScore);
    return tf.mul(tf.sub(rowLogSumExp(shifted), Math.log(C)), lambda);
  });
}
