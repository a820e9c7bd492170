import { defineLoss, type IgnoreIndexOptions, logSoftmax, type ReductionOptions } from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { reverseCrossEntropyTerm, TARGET_FLOOR_OPTION } from './internal/robust-terms.js';

/** Options for {@link reverseCrossEntropyLoss}. */
export interface ReverseCrossEntropyLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Floor the targets are clamped to before the log, so log 0 = A = log(floor). @defaultValue 1e-4 */
  readonly targetFloor?: number;
}

/**
 * Reverse cross-entropy (Wang et al., ICCV 2019; the "passive" RCE of Ma et al. 2020): the
 * cross-entropy with prediction and target swapped, targets clamped to `targetFloor` so log 0 = A.
 *
 *   ℓᵢ = −Σ_k p_ik·log max(t_ik, floor)   = −A·(1 − p_{i,yᵢ}) for class ids,  A = log(floor)
 *
 * Bounded in [0, −A]. `floor` 1e-4 (A ≈ −9.21) is the authors' code; the SCE paper text uses A = −4
 * (`targetFloor: Math.exp(-4)`).
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar. C = 1: 0 with a zero gradient (the only class is
 * the target, log 1 = 0).
 * @see https://arxiv.org/abs/1908.06112
 * @example const loss = reverseCrossEntropyLoss(logits, labels);
 */
export const reverseCrossEntropyLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  ReverseCrossEntropyLossOptions,
  { targetFloor: number }
>({
  id: 'xent/reverse-cross-entropy',
  name: 'reverseCrossEntropyLoss',
  family: 'classification',
  summary: 'Cross-entropy with prediction and target swapped (log 0 clamped to A): bounded, noise-robust.',
  reference: {
    title: 'Symmetric Cross Entropy for Robust Learning with Noisy Labels',
    url: 'https://arxiv.org/abs/1908.06112',
    year: 2019,
    authors: 'Wang, Ma, Chen, Luo, Yi, Bailey',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { targetFloor: 1e-4 },
  options: {
    targetFloor: TARGET_FLOOR_OPTION,
  },
  perExample: ({ logits, labels }, { targetFloor }) =>
    reverseCrossEntropyTerm(logSoftmax(logits), labels, targetFloor),
});
