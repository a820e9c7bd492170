import { defineLoss, type IgnoreIndexOptions, type ReductionOptions } from '@xent/core';
import { boxCox } from './internal/box-cox.js';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { trueClassLoss } from './internal/true-class.js';

/** Options for {@link maeLoss}. */
export interface MaeLossOptions extends ReductionOptions, IgnoreIndexOptions {}

/**
 * Mean absolute error on the softmax output (Ghosh, Kumar & Sastry, AAAI 2017), in its reduced form
 *
 *   ℓ = 1 − p_y,   p = softmax(z)
 *
 * (½‖p − e_y‖₁; the paper's ‖p − e_y‖₁ = 2(1 − p_y) differs by the factor 2). Symmetric, so robust
 * to symmetric label noise; slow to fit. Float targets give 1 − Σ_c t_c p_c.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1712.09482
 * @example const loss = maeLoss(logits, labels);
 */
export const maeLoss = /* @__PURE__ */ defineLoss<ClassificationInputs, MaeLossOptions, Record<never, never>>(
  {
    id: 'xent/mae',
    name: 'maeLoss',
    family: 'classification',
    summary: 'Mean absolute error 1 − p_y on softmax outputs; symmetric and noise-robust.',
    reference: {
      title: 'Robust Loss Functions under Label Noise for Deep Neural Networks',
      url: 'https://arxiv.org/abs/1712.09482',
      year: 2017,
      authors: 'Ghosh, Kumar, Sastry',
    },
    inputs: classificationInputs,
    leadingDims: 'flatten',
    defaults: {},
    perExample: ({ logits, labels }) => trueClassLoss(logits, labels, (nll) => boxCox(nll, 1)),
  },
);
