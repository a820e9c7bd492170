import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  detached,
  type IgnoreIndexOptions,
  isClassIds,
  type ReductionOptions,
  softmax,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { atTargets, trueClassLoss } from './internal/true-class.js';

/** Options for {@link errorNormTruncation}. */
export interface ErrorNormTruncationOptions extends ReductionOptions, IgnoreIndexOptions {
  /**
   * Examples whose error norm ‖p − e_y‖₂ ∈ [0, √2] exceeds this are dropped. The paper tunes it per
   * task (no default there); 1 drops examples whose prediction sits mostly on one wrong class.
   * @defaultValue 1
   */
  readonly threshold?: number;
}

/**
 * Error norm truncation, ENT-Threshold (Li et al., ICLR 2024): cross-entropy on the examples whose
 * ℓ2 error norm is at most a threshold; the others count 0 (and still count in the mean's N).
 *
 *   eᵢ = ‖softmax(logitsᵢ) − t_i‖₂  (no gradient),   ℓᵢ = 1[eᵢ ≤ threshold]·(−Σ_c t_ic·log p_ic)
 *
 * t is the one-hot of yᵢ (or the given targets); e² = Σ_c p_c² − 2·p_t + Σ_c t_c², no one-hot built.
 * ENT-Fraction (dropping a top fraction of sequences) is a sequence-level schedule and is not here.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2310.00840
 * @example const loss = errorNormTruncation(logits, labels, { threshold: 1.2 });
 */
export const errorNormTruncation = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  ErrorNormTruncationOptions,
  { threshold: number }
>({
  id: 'xent/error-norm-truncation',
  name: 'errorNormTruncation',
  family: 'classification',
  summary:
    'Cross-entropy that drops examples whose error norm ‖p − e_y‖₂ exceeds a threshold (likely noise).',
  reference: {
    title: 'Error Norm Truncation: Robust Training in the Presence of Data Noise for Text Generation Models',
    url: 'https://arxiv.org/abs/2310.00840',
    year: 2024,
    authors: 'Li, Xu, Koehn, Khashabi, Murray',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { threshold: 1 },
  options: { threshold: { type: 'number', min: 0, description: 'largest error norm kept' } },
  perExample: ({ logits, labels }, { threshold }) => {
    // The mask is computed off the gradient tape (the paper's detached norm): no backward cost.
    const keep = detached(
      (x, y) => {
        const p = softmax(x);
        const targetSquares = isClassIds(y) ? tf.scalar(1) : tf.sum(tf.square(y), -1);
        const pT = atTargets(p, y, (v) => v);
        const squaredError = tf.add(tf.sub(tf.sum(tf.square(p), -1), tf.mul(pT, 2)), targetSquares);
        return tf.cast(tf.lessEqual(squaredError, threshold * threshold), 'float32');
      },
      logits,
      labels,
    );
    return tf.mul(
      trueClassLoss(logits, labels, (nll) => nll),
      keep,
    );
  },
});
