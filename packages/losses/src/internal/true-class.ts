import * as tf from '@tensorflow/tfjs-core';
import { isClassIds, pickClass, sparseSoftmaxCrossEntropy } from '@xent/core';

/**
 * `f` at the labelled entry of each row of `scores` `[N, C]`: `f(scores[i, yᵢ])` for int32 class ids
 * (picked first, so `f` runs on `[N]`), and the target-weighted sum `Σ_c t_ic · f(scores[i, c])` for
 * float targets (the same value for one-hot rows).
 */
export function atTargets(scores: tf.Tensor, labels: tf.Tensor, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (isClassIds(labels)) return f(pickClass(scores, labels));
  return tf.sum(tf.mul(labels, f(scores)), -1);
}

/**
 * A loss that is a function φ of the true class's negative log-probability `nll = −log p_y`:
 * `φ(nllᵢ)` per row for int32 ids (the nll comes from core's fused sparse cross-entropy, no one-hot),
 * `Σ_c t_ic · φ(−log p_ic)` for float targets. Returns `[N]`.
 */
export function trueClassLoss(
  logits: tf.Tensor,
  labels: tf.Tensor,
  phi: (nll: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  if (isClassIds(labels)) return phi(sparseSoftmaxCrossEntropy(logits, labels));
  return tf.sum(tf.mul(labels, phi(tf.neg(tf.logSoftmax(logits, -1)))), -1);
}
