import { defineLoss, type IgnoreIndexOptions, type ReductionOptions } from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import {
  type LdrNormalization,
  ldrKlTerm,
  ldrNormalizationOption,
  ldrReference,
  normalizeScores,
} from './internal/ldr.js';

/** Options for {@link ldrKlLoss}. */
export interface LdrKlLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** KL regularisation strength λ > 0 (λ → 0: max-margin, λ → ∞: mean over labels). @defaultValue 1 */
  readonly lambda?: number;
  /** Margin c ≥ 0 added to the wrong classes. @defaultValue 2 */
  readonly margin?: number;
  /** Logit rescaling before the loss ('none' = the paper's formula on raw logits). @defaultValue 'softplus' */
  readonly normalization?: LdrNormalization;
}

type Defaults = { lambda: number; margin: number; normalization: LdrNormalization };

/**
 * LDR-KL, the label-distributionally robust loss with a KL(·‖uniform) penalty (Zhu, Ying & Yang,
 * ICML 2023), in closed form:
 *
 *   ℓ = λ · log( (1/C) Σ_k exp((c·1[k ≠ y] + s̃_k − s̃_y)/λ) )
 *
 * s̃ are the logits rescaled as the official code does (`normalization`: softplus(s)/mean softplus(s)
 * by default, as `LDRLoss_V1`). Defaults λ = 1, c = 2 are that class's. Float targets use
 * c·(1 − t_k) and Σ_j t_j s̃_j in place of c·1[k ≠ y] and s̃_y.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2112.14869
 * @example const loss = ldrKlLoss(logits, labels, { lambda: 1, margin: 0.1 });
 */
export const ldrKlLoss = /* @__PURE__ */ defineLoss<ClassificationInputs, LdrKlLossOptions, Defaults>({
  id: 'xent/ldr-kl',
  name: 'ldrKlLoss',
  family: 'classification',
  summary: 'Label-distributionally robust loss (KL): soft max over label distributions with a margin.',
  reference: ldrReference,
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { lambda: 1, margin: 2, normalization: 'softplus' },
  options: {
    lambda: { type: 'number', min: 0, exclusiveMin: true, description: 'KL strength λ' },
    margin: { type: 'number', min: 0, description: 'margin c on the wrong classes' },
    normalization: ldrNormalizationOption,
  },
  perExample: ({ logits, labels }, { lambda, margin, normalization }) =>
    ldrKlTerm(normalizeScores(logits, normalization, lambda), labels, margin, lambda),
});
