import * as tf from '@tensorflow/tfjs-core';
import { classTargets } from '@xent/core';

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
 * The label-distributionally-robust KL term, per row, with λ a number or a `[N, 1]` tensor:
 *
 *   λ · log( (1/C) Σ_k exp((c·(1 − t_k) + s̃_k − Σ_j t_j s̃_j)/λ) )
 *
 * which for one-hot t is λ·log((1/C) Σ_k exp((c·1[k ≠ y] + s̃_k − s̃_y)/λ)).
 */
export function ldrKlTerm(
  scores: tf.Tensor,
  labels: tf.Tensor,
  margin: number,
  lambda: number | tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const [, C] = scores.shape as [number, number];
    const targets = classTargets(labels, C);
    const trueScore = tf.sum(tf.mul(targets, scores), -1, true);
    const shifted = tf.sub(tf.add(tf.mul(tf.sub(1, targets), margin), scores), trueScore);
    const lam = typeof lambda === 'number' ? lambda : tf.reshape(lambda, [-1, 1]);
    const lse = tf.logSumExp(tf.div(shifted, lam), -1);
    return tf.mul(tf.sub(lse, Math.log(C)), typeof lam === 'number' ? lam : tf.reshape(lam, [-1]));
  });
}
