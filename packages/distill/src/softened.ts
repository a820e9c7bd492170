import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax } from '@xent/core';

/**
 * Logit standardization (Sun et al., CVPR 2024): Z(x) = (x − mean(x)) / (1e-7 + std(x)) per row, with
 * the unbiased (n − 1) standard deviation as in the official code. Needs C ≥ 2.
 *
 * @param logits float32 `[N, C]`.
 * @returns float32 `[N, C]`, each row with mean 0 and (unbiased) standard deviation ≈ 1.
 * @see https://arxiv.org/abs/2403.01427
 * @example const z = standardizeLogits(studentLogits);
 */
export function standardizeLogits(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    const centred = tf.sub(logits, tf.mean(logits, -1, true));
    const variance = tf.div(tf.sum(tf.square(centred), -1, true), classes - 1);
    // √ with a finite gradient at a constant row (variance 0).
    const std = tf.sqrt(tf.add(variance, 1e-30));
    return tf.div(centred, tf.add(std, 1e-7));
  });
}

/** Both logits standardized when `enabled`, else unchanged. */
export function maybeStandardize(
  enabled: boolean,
  student: tf.Tensor,
  teacher: tf.Tensor,
): [tf.Tensor, tf.Tensor] {
  return enabled ? [standardizeLogits(student), standardizeLogits(teacher)] : [student, teacher];
}

/**
 * Per-example KL(softmax(t/T) ‖ softmax(s/T)) = Σ_c q_c (log q_c − log p_c), `[N]`, computed from log
 * softmaxes (no log 0).
 */
export function softenedKl(student: tf.Tensor, teacher: tf.Tensor, temperature: number): tf.Tensor {
  return tf.tidy(() => {
    const logQ = logSoftmax(tf.div(teacher, temperature));
    const logP = logSoftmax(tf.div(student, temperature));
    return tf.sum(tf.mul(tf.exp(logQ), tf.sub(logQ, logP)), -1);
  });
}

/** Per-example cross-entropy `[N]` of logits against int32 ids or float `[N, C]` targets. */
export function crossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(targets, logSoftmax(logits)), -1)));
}
