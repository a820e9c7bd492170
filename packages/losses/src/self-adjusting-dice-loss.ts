import * as tf from '@tensorflow/tfjs-core';
import {
  classTargets,
  customGradient,
  defineLoss,
  type IgnoreIndexOptions,
  type ReductionOptions,
  softmax,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';

const COMPLEMENT_FLOOR = 1e-7;

/** p̃ = (1 − p)^α·p with 1 − p floored (relu(x − ε) + ε: tf.maximum with a scalar is slow on tfjs-wasm). */
function adjust(p: tf.Tensor, alpha: number) {
  const complement = tf.add(tf.relu(tf.sub(tf.sub(1, p), COMPLEMENT_FLOOR)), COMPLEMENT_FLOOR);
  const scale = alpha === 0 ? tf.onesLike(p) : tf.exp(tf.mul(tf.log(complement), alpha));
  return { complement, scale, adjusted: tf.mul(p, scale) };
}

/**
 * Σ_c 1 − (2p̃t + γ)/(p̃ + t + γ) per row with its closed-form gradient (one fused op):
 *   ∂f/∂p̃ = (γ − 2t(t + γ))/(p̃ + t + γ)²,  ∂p̃/∂p = (1 − p)^α·(1 − α·p/(1 − p)) (0 for the α part on the floor),
 *   ∂ℓ/∂z_k = p_k·(g_k − Σ_c p_c·g_c),  g = ∂f/∂p̃ · ∂p̃/∂p.
 */
function diceTerms(alpha: number, smooth: number) {
  return customGradient<[tf.Tensor, tf.Tensor]>(([logits, targets], save) => {
    const p = softmax(logits);
    const value = tf.tidy(() => {
      const { adjusted } = adjust(p, alpha);
      const numerator = tf.add(tf.mul(tf.mul(adjusted, targets), 2), smooth);
      const denominator = tf.add(tf.add(adjusted, targets), smooth);
      return tf.sum(tf.sub(1, tf.div(numerator, denominator)), -1);
    });
    save([p, targets]);
    return {
      value,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [probs, t] = saved as [tf.Tensor, tf.Tensor];
          const { complement, scale, adjusted } = adjust(probs, alpha);
          const denominator = tf.add(tf.add(adjusted, t), smooth);
          const dfda = tf.div(
            tf.sub(smooth, tf.mul(tf.mul(t, tf.add(t, smooth)), 2)),
            tf.square(denominator),
          );
          const unfloored = tf.step(tf.sub(tf.sub(1, probs), COMPLEMENT_FLOOR));
          const dadp =
            alpha === 0
              ? scale
              : tf.mul(scale, tf.sub(1, tf.div(tf.mul(tf.mul(probs, unfloored), alpha), complement)));
          const g = tf.mul(dfda, dadp);
          const centred = tf.sub(g, tf.sum(tf.mul(probs, g), -1, true));
          return [tf.mul(tf.mul(probs, centred), tf.expandDims(dy, 1)), tf.zerosLike(t)];
        }),
    };
  });
}

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
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1911.02855
 * @example const loss = selfAdjustingDiceLoss(logits, labels, { alpha: 0.01, smooth: 1 });
 */
export const selfAdjustingDiceLoss = /* @__PURE__ */ defineLoss<
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
  leadingDims: 'flatten',
  defaults: { alpha: 0.01, smooth: 1 },
  options: {
    alpha: { type: 'number', min: 0, description: 'self-adjusting exponent α' },
    smooth: { type: 'number', min: 0, exclusiveMin: true, description: 'smoothing γ' },
  },
  perExample: ({ logits, labels }, { alpha, smooth }, { numClasses }) =>
    diceTerms(alpha, smooth)(logits, classTargets(labels, numClasses!)),
});
