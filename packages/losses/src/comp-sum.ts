import { defineLoss, type IgnoreIndexOptions, type ReductionOptions, saturateFloat32 } from '@xent/core';
import { boxCox } from './internal/box-cox.js';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { trueClassLoss } from './internal/true-class.js';

/** Options for {@link compSumLoss}. */
export interface CompSumLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** τ ≥ 0: 0 sum-exponential, 1 cross-entropy, (1, 2) GCE with q = τ − 1, 2 MAE-type. @defaultValue 1 */
  readonly tau?: number;
}

/**
 * The comp-sum family Φ^τ of Mao, Mohri & Zhong (ICML 2023):
 *
 *   uᵢ = Σ_{y′≠yᵢ} exp(z_iy′ − z_iyᵢ) = 1/p_yᵢ − 1,   p = softmax(zᵢ)
 *   ℓᵢ = Φ^τ(uᵢ),   Φ^τ(u) = log(1 + u) (τ = 1),   ((1 + u)^{1−τ} − 1)/(1 − τ) (τ ≠ 1)
 *
 * i.e. ℓ = (p_y^{τ−1} − 1)/(1 − τ): τ = 0 the sum-exponential loss 1/p_y − 1, τ = 1 cross-entropy
 * −log p_y, τ ∈ (1, 2) GCE with q = τ − 1, τ = 2 the MAE-type loss 1 − p_y. Float targets give
 * Σ_c t_c ℓ(p_c). (Formula reconstructed from the paper's definition; its body text was not
 * available to check the typesetting, the special cases above were checked by hand.)
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar. For τ < 1 the loss grows like p_y^(τ−1): its
 * true value exceeds float32 once −log p_y > 88.7/(1 − τ) (a logit gap of ≈ 89 at τ = 0). There the
 * value saturates at the largest float32 (≈ 3.4e38) and so does the factor p_y^(τ−1) of the gradient
 * (which keeps the direction softmax(z) − e_y): never +Infinity or NaN for finite logits. Below that
 * point it is exact (computed from −log p_y, not from p_y).
 * @see https://arxiv.org/abs/2304.07288
 * @example const loss = compSumLoss(logits, labels, { tau: 0.5 });
 */
export const compSumLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  CompSumLossOptions,
  { tau: number }
>({
  id: 'xent/comp-sum',
  name: 'compSumLoss',
  family: 'classification',
  summary: 'Comp-sum family Φ^τ: sum-exponential (τ=0), cross-entropy (τ=1), GCE (1<τ<2), MAE (τ=2).',
  reference: {
    title: 'Cross-Entropy Loss Functions: Theoretical Analysis and Applications',
    url: 'https://arxiv.org/abs/2304.07288',
    year: 2023,
    authors: 'Mao, Mohri, Zhong',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { tau: 1 },
  options: { tau: { type: 'number', min: 0, description: 'family parameter τ ≥ 0' } },
  perExample: ({ logits, labels }, { tau }) =>
    saturateFloat32(trueClassLoss(logits, labels, (nll) => boxCox(nll, tau - 1))),
});
