import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type IgnoreIndexOptions, type ReductionOptions } from '@xent/core';
import { boxCox } from './internal/box-cox.js';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { trueClassLoss } from './internal/true-class.js';

/** Options for {@link gceLoss}. */
export interface GceLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** q ∈ (0, 1]: q → 0 gives cross-entropy, q = 1 gives 1 − p_y. @defaultValue 0.7 */
  readonly q?: number;
  /** Truncation k ∈ [0, 1): the loss is constant L_q(k) where p_y ≤ k (0 = no truncation). @defaultValue 0 */
  readonly k?: number;
}

/**
 * Generalized cross-entropy L_q (Zhang & Sabuncu, NeurIPS 2018), optionally truncated:
 *
 *   L_q(p_y) = (1 − p_y^q)/q,   ℓ = min(L_q(p_y), L_q(k)),   p = softmax(z)
 *
 * The truncated loss is flat (zero gradient) where p_y ≤ k. Float targets give Σ_c t_c ℓ(p_c).
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1805.07836
 * @example const loss = gceLoss(logits, labels, { q: 0.7, k: 0.5 });
 */
export const gceLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  GceLossOptions,
  { q: number; k: number }
>({
  id: 'xent/gce',
  name: 'gceLoss',
  family: 'classification',
  summary: 'Generalized cross-entropy (1 − p_y^q)/q, robust to label noise; optional truncation at p_y ≤ k.',
  reference: {
    title: 'Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels',
    url: 'https://arxiv.org/abs/1805.07836',
    year: 2018,
    authors: 'Zhang, Sabuncu',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { q: 0.7, k: 0 },
  options: {
    q: { type: 'number', min: 0, exclusiveMin: true, max: 1, description: 'exponent q' },
    k: { type: 'number', min: 0, max: 1, exclusiveMax: true, description: 'truncation threshold k on p_y' },
  },
  perExample: ({ logits, labels }, { q, k }) =>
    trueClassLoss(logits, labels, (nll) => {
      const loss = boxCox(nll, q);
      return k > 0 ? tf.minimum(loss, (1 - k ** q) / q) : loss;
    }),
});
