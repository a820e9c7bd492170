import * as tf from '@tensorflow/tfjs-core';
import {
  checkMinClasses,
  defineLoss,
  type IgnoreIndexOptions,
  logSoftmax,
  type ReductionOptions,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import {
  crossEntropyTerm,
  meanAbsoluteErrorTerm,
  NORMALIZED_LOSSES_PAPER,
  normalizedCrossEntropyTerm,
  normalizedFocalTerm,
  normalizedGeneralizedCrossEntropyTerm,
  normalizedMeanAbsoluteErrorTerm,
  reverseCrossEntropyTerm,
  TARGET_FLOOR_OPTION,
} from './internal/robust-terms.js';

/** The active terms {@link activePassiveLoss} offers. */
export type ActiveTerm = 'nce' | 'nfl' | 'ngce' | 'ce';
/** The passive terms {@link activePassiveLoss} offers. */
export type PassiveTerm = 'rce' | 'mae' | 'nmae';

/** Options for {@link activePassiveLoss}. */
export interface ActivePassiveLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Active term: NCE, NFL (normalized focal), NGCE (normalized GCE) or plain CE. @defaultValue 'nce' */
  readonly active?: ActiveTerm;
  /** Passive term: RCE, MAE (1 − p_y) or NMAE ((1 − p_y)/(K − 1)). @defaultValue 'rce' */
  readonly passive?: PassiveTerm;
  /** Weight α of the active term. @defaultValue 1 */
  readonly alpha?: number;
  /** Weight β of the passive term. @defaultValue 1 */
  readonly beta?: number;
  /** γ of NFL. @defaultValue 0.5 */
  readonly gamma?: number;
  /** q of NGCE. @defaultValue 0.7 */
  readonly q?: number;
  /** Target floor of RCE (A = log floor). @defaultValue 1e-4 */
  readonly targetFloor?: number;
}

/**
 * Active-passive loss (Ma et al., ICML 2020): a robust "active" loss (only p_y pushed up) plus a
 * "passive" one (other classes pushed down), each bounded, combined with weights α and β.
 *
 *   ℓᵢ = α·L_active(pᵢ, yᵢ) + β·L_passive(pᵢ, yᵢ)
 *   NCE = −log p_y / −Σ_k log p_k   NFL = FL_y / Σ_k FL_k, FL_k = −(1 − p_k)^γ log p_k
 *   NGCE = (1 − p_y^q)/(K − Σ_k p_k^q)   CE = −log p_y
 *   RCE = −A·(1 − p_y)   MAE = 1 − p_y   NMAE = (1 − p_y)/(K − 1)
 *
 * `{ active: 'ce', passive: 'rce', alpha: 0.1, beta: 1 }` is SCE (Wang et al. 2019). The paper's
 * CIFAR-10 setting is NCE+RCE with α = β = 1; CIFAR-100 α = 10, β = 0.1. MAE here is the reduced
 * 1 − p_y (half of ‖p − e_y‖₁), as in the authors' code; NMAE follows the paper's normalisation
 * (the authors' code has an extra ½, which α, β absorb).
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar. C = 1 (the normalised terms are 0/0) throws
 * `SHAPE_MISMATCH`.
 * @see https://arxiv.org/abs/2006.13554
 * @example const loss = activePassiveLoss(logits, labels, { active: 'nce', passive: 'rce', alpha: 1, beta: 1 });
 */
export const activePassiveLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  ActivePassiveLossOptions,
  {
    active: ActiveTerm;
    passive: PassiveTerm;
    alpha: number;
    beta: number;
    gamma: number;
    q: number;
    targetFloor: number;
  }
>({
  id: 'xent/active-passive',
  name: 'activePassiveLoss',
  family: 'classification',
  summary: 'α·active + β·passive robust loss (NCE+RCE, NCE+MAE, NFL+RCE, …) for noisy labels.',
  reference: NORMALIZED_LOSSES_PAPER,
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { active: 'nce', passive: 'rce', alpha: 1, beta: 1, gamma: 0.5, q: 0.7, targetFloor: 1e-4 },
  options: {
    active: { type: 'enum', values: ['nce', 'nfl', 'ngce', 'ce'], description: 'active term' },
    passive: { type: 'enum', values: ['rce', 'mae', 'nmae'], description: 'passive term' },
    alpha: { type: 'number', min: 0, description: 'weight α of the active term' },
    beta: { type: 'number', min: 0, description: 'weight β of the passive term' },
    gamma: { type: 'number', min: 0, description: 'γ of NFL' },
    q: { type: 'number', min: 0, max: 1, exclusiveMin: true, description: 'q of NGCE' },
    targetFloor: TARGET_FLOOR_OPTION,
  },
  // C = 1: the normalised active terms are 0/0.
  check: ({ logits }, _options, { fn }) => checkMinClasses(fn, 'logits', logits, 2),
  perExample: ({ logits, labels }, { active, passive, alpha, beta, gamma, q, targetFloor }) => {
    const logp = logSoftmax(logits);
    const activeTerms: Record<ActiveTerm, () => tf.Tensor> = {
      nce: () => normalizedCrossEntropyTerm(logp, labels),
      nfl: () => normalizedFocalTerm(logp, labels, gamma),
      ngce: () => normalizedGeneralizedCrossEntropyTerm(logp, labels, q),
      ce: () => crossEntropyTerm(logp, labels),
    };
    const passiveTerms: Record<PassiveTerm, () => tf.Tensor> = {
      rce: () => reverseCrossEntropyTerm(logp, labels, targetFloor),
      mae: () => meanAbsoluteErrorTerm(logp, labels),
      nmae: () => normalizedMeanAbsoluteErrorTerm(logp, labels),
    };
    return tf.add(tf.mul(activeTerms[active](), alpha), tf.mul(passiveTerms[passive](), beta));
  },
});
