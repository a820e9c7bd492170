import {
  checkMinClasses,
  defineLoss,
  type IgnoreIndexOptions,
  logSoftmax,
  type ReductionOptions,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { NORMALIZED_LOSSES_PAPER, normalizedCrossEntropyTerm } from './internal/robust-terms.js';

/** Options for {@link normalizedCrossEntropyLoss}. */
export interface NormalizedCrossEntropyLossOptions extends ReductionOptions, IgnoreIndexOptions {}

/**
 * Normalized cross-entropy (Ma et al., ICML 2020): CE divided by its sum over every possible label,
 * which makes it bounded in [0, 1] and robust to label noise (an "active" loss for
 * {@link activePassiveLoss}).
 *
 *   ℓᵢ = −log p_{i,yᵢ} / (−Σ_k log p_ik),   p = softmax(logitsᵢ)
 *
 * With float targets the numerator is −Σ_c t_ic·log p_ic. Needs C ≥ 2.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar. C = 1 (0/0) throws `SHAPE_MISMATCH`.
 * @see https://arxiv.org/abs/2006.13554
 * @example const loss = normalizedCrossEntropyLoss(logits, labels);
 */
export const normalizedCrossEntropyLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  NormalizedCrossEntropyLossOptions,
  Record<never, never>
>({
  id: 'xent/normalized-cross-entropy',
  name: 'normalizedCrossEntropyLoss',
  family: 'classification',
  summary: 'Cross-entropy normalised by its sum over all labels: bounded in [0, 1], noise-robust.',
  reference: NORMALIZED_LOSSES_PAPER,
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: {},
  // C = 1: −log p = 0 for every class, so the normalised loss is 0/0.
  check: ({ logits }, _options, { fn }) => checkMinClasses(fn, 'logits', logits, 2),
  perExample: ({ logits, labels }) => normalizedCrossEntropyTerm(logSoftmax(logits), labels),
});
