import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  detached,
  type IgnoreIndexOptions,
  logSoftmax,
  oneHot,
  pickClass,
  powNonNegative,
  type ReductionOptions,
  XentError,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';

/** One-hot [N, C] of j = argmax{ p_k : p_k < p_y } (an all-zero row when there is none). */
function runnerUpMask(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const p = tf.softmax(logits, -1);
  // step(p_y − p_k) = 1 exactly where p_k < p_y; p_k there, −1 elsewhere (arithmetic, not less/where,
  // which broadcast slowly on tfjs-wasm).
  const below = tf.step(tf.sub(tf.expandDims(pickClass(p, labels), 1), p));
  const candidates = tf.sub(tf.mul(below, tf.add(p, 1)), 1);
  const exists = tf.step(tf.add(tf.max(candidates, -1), 0.5));
  return tf.mul(oneHot(tf.argMax(candidates, -1), p.shape[1]!), tf.expandDims(exists, 1));
}

/** Options for {@link dualFocalLoss}. */
export interface DualFocalLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Focusing parameter γ ≥ 0; γ = 0 gives cross-entropy. @defaultValue 5 */
  readonly gamma?: number;
}

/**
 * Dual focal loss (Tao, Dong, Xu, ICML 2023): the focal weight also grows with the runner-up.
 *
 *   ℓᵢ = −(1 − p_{i,yᵢ} + p_{i,j})^γ·log p_{i,yᵢ},   p_{i,j} = max{ p_ik : p_ik < p_{i,yᵢ} } (0 if none)
 *
 * p_j is the largest probability strictly below the target's (as in the authors' code), not the
 * largest non-target one; both p_y and p_j carry gradient. Class-id labels only.
 *
 * @param logits float32 `[N, C]`.  @param labels int32 class ids `[N]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2305.13665
 * @example const loss = dualFocalLoss(logits, labels, { gamma: 5 });
 */
export const dualFocalLoss = defineLoss<ClassificationInputs, DualFocalLossOptions, { gamma: number }>({
  id: 'xent/dual-focal',
  name: 'dualFocalLoss',
  family: 'classification',
  summary: 'Focal loss whose weight (1 − p_y + p_j)^γ also counts the closest lower probability p_j.',
  reference: {
    title: 'Dual Focal Loss for Calibration',
    url: 'https://arxiv.org/abs/2305.13665',
    year: 2023,
    authors: 'Tao, Dong, Xu',
  },
  inputs: classificationInputs,
  defaults: { gamma: 5 },
  options: { gamma: { type: 'number', min: 0, description: 'focusing parameter γ' } },
  check: ({ labels }, _options, { fn }) => {
    if (labels.dtype !== 'int32') {
      throw new XentError('DTYPE_MISMATCH', {
        fn,
        argument: 'labels',
        expected: 'int32 class ids [N] (p_j is defined relative to one target class)',
        received: `float32 [${labels.shape.join(', ')}]`,
      });
    }
  },
  perExample: ({ logits, labels }, { gamma }) => {
    // Which class is j is found off the gradient tape (a constant one-hot); p_j is then read from the
    // taped log-probabilities, so its gradient flows as in the reference code.
    const runnerUp = detached(runnerUpMask, logits, labels);
    const logp = logSoftmax(logits);
    const logpY = pickClass(logp, labels);
    const pJ = tf.mul(tf.exp(tf.sum(tf.mul(runnerUp, logp), -1)), tf.sum(runnerUp, -1));
    return tf.mul(tf.neg(logpY), powNonNegative(tf.add(tf.sub(1, tf.exp(logpY)), pJ), gamma));
  },
});
