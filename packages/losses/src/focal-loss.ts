import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  type IgnoreIndexOptions,
  invalidOption,
  isClassIds,
  type ReductionOptions,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { logComplement } from './internal/log-complement.js';
import { trueClassLoss } from './internal/true-class.js';

/** Options for {@link focalLoss}. */
export interface FocalLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Focusing parameter γ ≥ 0; γ = 0 gives (α-weighted) cross-entropy. @defaultValue 2 */
  readonly gamma?: number;
  /** Class weights α: one number for every class or one weight ≥ 0 per class (`[C]`). @defaultValue 1 */
  readonly alpha?: number | readonly number[];
}

/**
 * Softmax focal loss (Lin et al., ICCV 2017).
 *
 *   ℓᵢ = −α_{yᵢ}·(1 − p_{i,yᵢ})^γ·log p_{i,yᵢ},   p = softmax(logitsᵢ)
 *
 * With float targets t: ℓᵢ = −Σ_c t_ic·α_c·(1 − p_ic)^γ·log p_ic. The weight (1 − p)^γ is taken as
 * exp(γ·log(1 − p)) from the log-probabilities, so it stays exact as p → 0 and finite as p → 1.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1708.02002
 * @example const loss = focalLoss(logits, labels, { gamma: 2, alpha: 0.25 });
 */
export const focalLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  FocalLossOptions,
  { gamma: number }
>({
  id: 'xent/focal',
  name: 'focalLoss',
  family: 'classification',
  summary: 'Cross-entropy down-weighted on easy examples by (1 − p_y)^γ, with optional class weights α.',
  reference: {
    title: 'Focal Loss for Dense Object Detection',
    url: 'https://arxiv.org/abs/1708.02002',
    year: 2017,
    authors: 'Lin, Goyal, Girshick, He, Dollár',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { gamma: 2 },
  options: {
    gamma: { type: 'number', min: 0, description: 'focusing parameter γ' },
    alpha: { type: 'other', description: 'class weight α: a number or one per class' },
  },
  check: (_inputs, { alpha }, { fn, numClasses }) => {
    if (alpha === undefined) return;
    const values = typeof alpha === 'number' ? [alpha] : alpha;
    const ok =
      Array.isArray(values) &&
      (typeof alpha === 'number' || values.length === numClasses) &&
      values.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
    if (!ok) invalidOption(fn, 'alpha', `a number ≥ 0 or ${numClasses} numbers ≥ 0`, alpha);
  },
  perExample: ({ logits, labels }, { gamma, alpha }) => {
    // φ(nll) = (1 − p)^γ·nll with p = e^−nll, the weight taken in log space: exp(γ·log(1 − p)).
    const focal = (nll: tf.Tensor) =>
      gamma === 0 ? nll : tf.mul(nll, tf.exp(tf.mul(logComplement(tf.neg(nll)), gamma)));
    if (alpha === undefined || typeof alpha === 'number') {
      const loss = trueClassLoss(logits, labels, focal);
      return alpha === undefined ? loss : tf.mul(loss, alpha);
    }
    const classWeights = tf.tensor1d(alpha as number[]);
    if (isClassIds(labels))
      return tf.mul(trueClassLoss(logits, labels, focal), tf.gather(classWeights, labels));
    return trueClassLoss(logits, tf.mul(labels, classWeights), focal);
  },
});
