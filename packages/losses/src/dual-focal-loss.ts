import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  type IgnoreIndexOptions,
  logSoftmax,
  pickClass,
  powNonNegative,
  type ReductionOptions,
  XentError,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';

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
    const logp = logSoftmax(logits);
    const logpY = pickClass(logp, labels);
    const p = tf.exp(logp);
    const pY = tf.exp(logpY);
    // step(p_y − p_k) is 1 exactly where p_k < p_y; step has a zero gradient, so the mask is constant.
    const below = tf.step(tf.sub(tf.expandDims(pY, 1), p));
    const pJ = tf.max(tf.mul(below, p), -1);
    return tf.mul(tf.neg(logpY), powNonNegative(tf.add(tf.sub(1, pY), pJ), gamma));
  },
});
