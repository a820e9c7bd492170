import * as tf from '@tensorflow/tfjs-core';
import { checkFinite, checkMinClasses, checkShape, logSoftmax, type TensorInput, toTensor } from '@xent/core';

/**
 * Logit standardization (Sun et al., CVPR 2024): Z(x) = (x − mean(x)) / (1e-7 + std(x)) per row, with
 * the unbiased (n − 1) standard deviation as in the official code. C = 1 (the standard deviation of
 * one value is 0/0) throws `SHAPE_MISMATCH`; a constant row gives zeros with a finite gradient;
 * non-tensor-like or ragged input throws `SHAPE_MISMATCH`, a non-float32 tensor `DTYPE_MISMATCH`,
 * NaN/±Infinity `NON_FINITE_INPUT`.
 *
 * @param logits float32 `[N, C]`.
 * @returns float32 `[N, C]`, each row with mean 0 and (unbiased) standard deviation ≈ 1.
 * @see https://arxiv.org/abs/2403.01427
 * @example const z = standardizeLogits(studentLogits);
 */
export function standardizeLogits(logits: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const fn = 'standardizeLogits';
    const x = toTensor(logits, fn, 'logits', 'float32');
    if (x.rank < 1) checkShape(fn, 'logits', x, ['N', 'C'], new Map());
    checkMinClasses(fn, 'logits', x, 2);
    checkFinite(fn, 'logits', x);
    return standardizeRows(x);
  });
}

/** {@link standardizeLogits} without the checks (the losses have checked their inputs). */
function standardizeRows(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    const centred = tf.sub(logits, tf.mean(logits, -1, true));
    const variance = tf.div(tf.sum(tf.square(centred), -1, true), classes - 1);
    // √ with a finite gradient at a constant row (variance 0).
    const std = tf.sqrt(tf.add(variance, 1e-30));
    return tf.div(centred, tf.add(std, 1e-7));
  });
}

/** Both logits standardized when `enabled` (C = 1 → `SHAPE_MISMATCH` naming `fn`), else unchanged. */
export function maybeStandardize(
  enabled: boolean,
  student: tf.Tensor,
  teacher: tf.Tensor,
  fn = 'standardizeLogits',
): [tf.Tensor, tf.Tensor] {
  if (enabled) checkMinClasses(fn, 'studentLogits', student, 2);
  return enabled ? [standardizeRows(student), standardizeRows(teacher)] : [student, teacher];
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
