import * as tf from '@tensorflow/tfjs-core';
import { classTargets, defineLoss, powNonNegative, type ReductionOptions } from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';

/** Options for {@link asymmetricLoss}. */
export interface AsymmetricLossOptions extends ReductionOptions {
  /** Focusing parameter γ+ ≥ 0 on positive labels. @defaultValue 0 */
  readonly gammaPos?: number;
  /** Focusing parameter γ− ≥ 0 on negative labels. @defaultValue 4 */
  readonly gammaNeg?: number;
  /** Probability margin m ∈ [0, 1) shifted off negatives (hard threshold on easy ones). @defaultValue 0.05 */
  readonly clip?: number;
}

/**
 * Asymmetric loss for multi-label classification (Ridnik et al., ICCV 2021): independent sigmoids,
 * focusing and a probability margin applied to negatives only.
 *
 *   ℓᵢ = −Σ_c [ y_ic·(1 − p_ic)^{γ+}·log p_ic + (1 − y_ic)·p_{m,ic}^{γ−}·log(1 − p_{m,ic}) ]
 *   p = σ(logits),   p_m = max(p − m, 0)
 *
 * log p and log(1 − p_m) = log min(σ(−x) + m, 1) are taken from the logits (no ε clamp). The focusing
 * weights carry gradient (the paper's formula; the authors' code detaches them by default). Per example
 * the labels are summed; `'mean'` then averages over examples (the reference code sums everything).
 *
 * @param logits float32 `[N, C]`.  @param labels float32 multi-hot (or soft) `[N, C]`, or int32 ids `[N]`
 *   (one positive per row).
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2009.14119
 * @example const loss = asymmetricLoss(logits, multiHot, { gammaNeg: 4, gammaPos: 0, clip: 0.05 });
 */
export const asymmetricLoss = defineLoss<
  ClassificationInputs,
  AsymmetricLossOptions,
  { gammaPos: number; gammaNeg: number; clip: number }
>({
  id: 'xent/asymmetric',
  name: 'asymmetricLoss',
  family: 'classification',
  summary: 'Multi-label sigmoid loss with separate focusing γ+/γ− and a margin that discards easy negatives.',
  reference: {
    title: 'Asymmetric Loss For Multi-Label Classification',
    url: 'https://arxiv.org/abs/2009.14119',
    year: 2021,
    authors: 'Ridnik, Ben-Baruch, Zamir, Noy, Friedman, Protter, Zelnik-Manor',
  },
  inputs: classificationInputs,
  defaults: { gammaPos: 0, gammaNeg: 4, clip: 0.05 },
  options: {
    gammaPos: { type: 'number', min: 0, description: 'focusing γ+ on positives' },
    gammaNeg: { type: 'number', min: 0, description: 'focusing γ− on negatives' },
    clip: { type: 'number', min: 0, max: 1, exclusiveMax: true, description: 'probability margin m' },
  },
  perExample: ({ logits, labels }, { gammaPos, gammaNeg, clip }, { numClasses }) => {
    const targets = classTargets(labels, numClasses!);
    // log σ(x) = −softplus(−x), log(1 − σ(x)) = −softplus(x). (tf.logSigmoid's gradient reads its
    // input after tidy has disposed it when that input is an intermediate such as −x.)
    const logP = tf.neg(tf.softplus(tf.neg(logits)));
    const logOneMinusP = tf.neg(tf.softplus(logits));
    const positive = gammaPos === 0 ? logP : tf.mul(logP, tf.exp(tf.mul(logOneMinusP, gammaPos)));
    const logOneMinusShifted =
      clip === 0 ? logOneMinusP : tf.log(tf.minimum(tf.add(tf.sigmoid(tf.neg(logits)), clip), 1));
    const shifted = clip === 0 ? tf.sigmoid(logits) : tf.relu(tf.sub(tf.sigmoid(logits), clip));
    const negative = tf.mul(logOneMinusShifted, powNonNegative(shifted, gammaNeg));
    const perLabel = tf.add(tf.mul(targets, positive), tf.mul(tf.sub(1, targets), negative));
    return tf.neg(tf.sum(perLabel, -1));
  },
});
