import * as tf from '@tensorflow/tfjs-core';
import {
  classTargets,
  defineLoss,
  type IgnoreIndexOptions,
  type ReductionOptions,
  softmax,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';

const COMPLEMENT_FLOOR = 1e-7;

/** Options for {@link selfAdjustingDiceLoss}. */
export interface SelfAdjustingDiceLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Self-adjusting exponent α ≥ 0 of (1 − p)^α; α = 0 gives the plain soft Dice loss. @defaultValue 0.01 */
  readonly alpha?: number;
  /** Smoothing γ > 0 added to numerator and denominator. @defaultValue 1 */
  readonly smooth?: number;
}

/**
 * Self-adjusting Dice loss (Li et al., ACL 2020), per example and summed over classes.
 *
 *   ℓᵢ = Σ_c [ 1 − (2·p̃_ic·t_ic + γ) / (p̃_ic + t_ic + γ) ],   p̃ = (1 − p)^α·p,   p = softmax(logitsᵢ)
 *
 * t are the one-hot (or soft) targets; 1 − p is floored at 1e-7 inside (1 − p)^α.
 * This is the paper's per-example DSC; the authors' code instead sums p̃ and t over the batch in the
 * denominator (a set-level Dice), which is not a per-example loss.
 *
 * @param logits float32 `[N, C]`.  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1911.02855
 * @example const loss = selfAdjustingDiceLoss(logits, labels, { alpha: 0.01, smooth: 1 });
 */
export const selfAdjustingDiceLoss = defineLoss<
  ClassificationInputs,
  SelfAdjustingDiceLossOptions,
  { alpha: number; smooth: number }
>({
  id: 'xent/self-adjusting-dice',
  name: 'selfAdjustingDiceLoss',
  family: 'classification',
  summary: 'Dice loss on (1 − p)^α·p, which de-emphasises easy examples, for imbalanced tasks.',
  reference: {
    title: 'Dice Loss for Data-imbalanced NLP Tasks',
    url: 'https://arxiv.org/abs/1911.02855',
    year: 2020,
    authors: 'Li, Sun, Meng, Liang, Wu, Li',
  },
  inputs: classificationInputs,
  defaults: { alpha: 0.01, smooth: 1 },
  options: {
    alpha: { type: 'number', min: 0, description: 'self-adjusting exponent α' },
    smooth: { type: 'number', min: 0, exclusiveMin: true, description: 'smoothing γ' },
  },
  perExample: ({ logits, labels }, { alpha, smooth }, { numClasses }) => {
    const p = softmax(logits);
    // (1 − p)^α with 1 − p floored at 1e-7 (float32 cannot resolve less; keeps the α < 1 gradient
    // finite), written as relu(x − ε) + ε: tf.maximum with a scalar is slow on tfjs-wasm.
    const complement = tf.add(tf.relu(tf.sub(tf.sub(1, p), COMPLEMENT_FLOOR)), COMPLEMENT_FLOOR);
    const adjusted = alpha === 0 ? p : tf.mul(p, tf.exp(tf.mul(tf.log(complement), alpha)));
    const targets = classTargets(labels, numClasses!);
    const numerator = tf.add(tf.mul(tf.mul(adjusted, targets), 2), smooth);
    const denominator = tf.add(tf.add(adjusted, targets), smooth);
    return tf.sum(tf.sub(1, tf.div(numerator, denominator)), -1);
  },
});
