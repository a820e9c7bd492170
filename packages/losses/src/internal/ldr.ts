import * as tf from '@tensorflow/tfjs-core';
import { isClassIds, rowLogSumExp, sparseSoftmaxCrossEntropy } from '@xent/core';

/** How LDR losses rescale the logits before the loss (the official code's choices). */
export type LdrNormalization = 'none' | 'softplus' | 'l1';

/** Option metadata shared by {@link ldrKlLoss} and {@link aldrKlLoss}. */
export const ldrNormalizationOption = {
  type: 'enum',
  values: ['none', 'softplus', 'l1'],
  description: "logit rescaling: 'softplus' s̃ = softplus(s)/mean softplus(s), 'l1' s̃ = s/(‖s‖₁/C)",
} as const;

/** s̃: the logits as given, softplus(s)/mean_c softplus(s)_c, or s/(‖s‖₁/C) (row-wise; 0/0 gives 0). */
export function normalizeScores(logits: tf.Tensor, mode: LdrNormalization): tf.Tensor {
  if (mode === 'none') return logits;
  return tf.tidy(() => {
    const positive = mode === 'softplus' ? tf.softplus(logits) : logits;
    const scale = tf.mean(tf.abs(positive), -1, true);
    return tf.div(positive, tf.maximum(scale, 1e-12));
  });
}

/**
 * The label-distributionally-robust KL term, per row, with λ a number or a `[N]` tensor:
 *
 *   λ · log( (1/C) Σ_k exp((c·(1 − t_k) + s̃_k − Σ_j t_j s̃_j)/λ) )
 *
 * which for one-hot t is λ·log((1/C) Σ_k exp((c·1[k ≠ y] + s̃_k − s̃_y)/λ)) = λ·(CE_m(s̃/λ, y) − log C),
 * with CE_m the cross-entropy whose true-class logit is lowered by m = c/λ: for int32 ids that is
 * core's fused sparse cross-entropy with a margin (closed-form gradient, no one-hot).
 */
export function ldrKlTerm(
  scores: tf.Tensor,
  labels: tf.Tensor,
  margin: number,
  lambda: number | tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const [, C] = scores.shape as [number, number];
    const rowLambda = typeof lambda === 'number' ? lambda : tf.reshape(lambda, [-1, 1]);
    if (isClassIds(labels)) {
      const rowMargin = typeof lambda === 'number' ? margin / lambda : tf.div(margin, lambda);
      const ce = sparseSoftmaxCrossEntropy(tf.div(scores, rowLambda), labels, { margin: rowMargin });
      return tf.mul(tf.sub(ce, Math.log(C)), lambda);
    }
    const trueScore = tf.sum(tf.mul(labels, scores), -1, true);
    const shifted = tf.sub(tf.add(tf.mul(tf.sub(1, labels), margin), scores), trueScore);
    return tf.mul(tf.sub(rowLogSumExp(tf.div(shifted, rowLambda)), Math.log(C)), lambda);
  });
}
