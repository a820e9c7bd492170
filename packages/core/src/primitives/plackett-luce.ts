import * as tf from '@tensorflow/tfjs-core';
import { reverseLogCumSumExp } from './reverse-log-cum-sum-exp.js';

/**
 * Plackett–Luce choice losses of rows already in ranking order (`[N, C]`, best first):
 *
 *   out[n, k] = log Σ_{j ≥ k, kept} exp(x[n, j]) − x[n, k]   (0 where `keep` is 0)
 *
 * i.e. −log P(item k is chosen first among the items ranked at or after it). Summed over k it is
 * ListMLE's negative log-likelihood; weighted, PLD's and p-ListMLE's. The suffix log-sum-exp is
 * {@link reverseLogCumSumExp} (exact far below the row maximum). `keep` (0/1 `[N, C]`, optional)
 * drops entries (ragged lists): they join no suffix and get a zero gradient, wherever they sit. It
 * must be a constant, not on the gradient tape (tfjs has no gradient for the comparison applied to it).
 */
export function plackettLuceChoices(ranked: tf.Tensor, keep?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (keep === undefined) return tf.sub(reverseLogCumSumExp(ranked), ranked);
    const kept = tf.greater(keep, 0);
    const dropped = tf.fill(ranked.shape, -Infinity);
    const suffix = reverseLogCumSumExp(tf.where(kept, ranked, dropped));
    const safe = tf.where(kept, suffix, tf.zerosLike(suffix));
    return tf.where(kept, tf.sub(safe, ranked), tf.zerosLike(ranked));
  });
}
