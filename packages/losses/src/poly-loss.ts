import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type IgnoreIndexOptions, type ReductionOptions } from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { trueClassLoss } from './internal/true-class.js';

/** Options for {@link polyLoss}. */
export interface PolyLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Weight ε of the first polynomial term; ε = 0 gives cross-entropy. @defaultValue 2 */
  readonly epsilon?: number;
}

/**
 * Poly-1 loss (Leng et al., ICLR 2022): cross-entropy plus ε times its first Taylor term in (1 − p_t).
 *
 *   ℓᵢ = −Σ_c t_ic·log p_ic + ε·(1 − p_{i,t}),   p_{i,t} = Σ_c t_ic·p_ic   (= p_{i,yᵢ} for class ids)
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2204.12511
 * @example const loss = polyLoss(logits, labels, { epsilon: 2 });
 */
export const polyLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  PolyLossOptions,
  { epsilon: number }
>({
  id: 'xent/poly',
  name: 'polyLoss',
  family: 'classification',
  summary: 'Poly-1: cross-entropy plus ε·(1 − p_t), the leading polynomial term re-weighted.',
  reference: {
    title: 'PolyLoss: A Polynomial Expansion Perspective of Classification Loss Functions',
    url: 'https://arxiv.org/abs/2204.12511',
    year: 2022,
    authors: 'Leng, Xu, Qi, Kim, Li, Cheng, Shi, Anguelov',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { epsilon: 2 },
  options: { epsilon: { type: 'number', min: -1, description: 'weight ε of (1 − p_t); ε ≥ −1 keeps ℓ ≥ 0' } },
  perExample: ({ logits, labels }, { epsilon }) =>
    trueClassLoss(logits, labels, (nll) =>
      epsilon === 0 ? nll : tf.add(nll, tf.mul(tf.sub(1, tf.exp(tf.neg(nll))), epsilon)),
    ),
});
