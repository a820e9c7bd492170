import * as tf from '@tensorflow/tfjs-core';
import { customGradient, defineLoss, invalidOption, type ReductionOptions } from '@xent/core';
import { checkBinaryMask } from './internal/mask.js';

/** Options for {@link softTopKLoss}. */
export interface SoftTopKLossOptions extends ReductionOptions {
  /** Size K of the soft top-k set (0 < K < L). @defaultValue 5 */
  readonly k?: number;
  /** Sharpness α of the sigmoid membership. @defaultValue 2 */
  readonly alpha?: number;
  /** Multiplier of the scores, 1/τ (DEXML: cosine / 0.05). @defaultValue 20 */
  readonly scale?: number;
  /** Bisection steps for the threshold tᵢ, an integer in [1, 1000] (float32 converges in < 64). @defaultValue 64 */
  readonly iterations?: number;
}

const inputs = [
  { name: 'scores', dtype: 'float32', shape: ['N', 'L'], description: 'point × label scores (e.g. cosine)' },
  { name: 'targets', dtype: 'float32', shape: ['N', 'L'], description: 'multi-hot 0/1 relevance' },
] as const;

// Per row: tᵢ with Σₗ σ(α(sᵢₗ + tᵢ)) = K by bisection on [−max s − 10/α, −min s + 10/α].
function threshold(s: tf.Tensor, k: number, alpha: number, iterations: number): tf.Tensor {
  return tf.tidy(() => {
    let lo = tf.sub(tf.neg(tf.max(s, -1, true)), 10 / alpha);
    let hi = tf.add(tf.neg(tf.min(s, -1, true)), 10 / alpha);
    for (let i = 0; i < iterations; i++) {
      const [nextLo, nextHi] = tf.tidy(() => {
        const mid = tf.div(tf.add(lo, hi), 2);
        const below = tf.less(tf.sum(tf.sigmoid(tf.mul(tf.add(s, mid), alpha)), -1, true), k);
        return [tf.where(below, mid, lo), tf.where(below, hi, mid)];
      });
      tf.dispose([lo, hi]);
      lo = nextLo!;
      hi = nextHi!;
    }
    return tf.div(tf.add(lo, hi), 2);
  });
}

/**
 * Soft top-k loss (DEXML, Gupta et al., ICLR 2024): a positive should fall inside a smooth top-K set.
 *
 *   pᵢₗ = σ(α(sᵢₗ + tᵢ)) with tᵢ such that Σₗ pᵢₗ = K,   ℓᵢ = −(1/|Pᵢ|) Σ_{j∈Pᵢ} log pᵢⱼ,   s = scale·scores
 *
 * tᵢ comes from bisection; the gradient treats it as the implicit function tᵢ(s):
 * ∂tᵢ/∂sᵢₗ = −vₗ/Σv with vₗ = σₗ(1 − σₗ), computed as a softmax of log vₗ so that it stays finite when
 * every membership saturates (equal scores with an outlier, integer K). Rows without a positive give 0.
 * `iterations` is bounded by 1000 (`INVALID_OPTION` above: no unbounded loop).
 *
 * @param scores float32 `[N, L]`.  @param targets float32 `[N, L]` multi-hot.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2310.10636
 * @example const loss = softTopKLoss(scores, multiHot, { k: 5, alpha: 2 });
 */
export const softTopKLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  SoftTopKLossOptions,
  { k: number; alpha: number; scale: number; iterations: number }
>({
  id: 'xent/soft-top-k',
  name: 'softTopKLoss',
  family: 'retrieval',
  summary: 'DEXML soft top-k: −log of a smooth "in the top K" membership of each positive.',
  reference: {
    title: 'Dual-Encoders for Extreme Multi-Label Classification',
    url: 'https://arxiv.org/abs/2310.10636',
    year: 2024,
  },
  inputs,
  defaults: { k: 5, alpha: 2, scale: 20, iterations: 64 },
  options: {
    k: { type: 'number', min: 0, exclusiveMin: true, description: 'size of the soft top-k set' },
    alpha: { type: 'number', min: 0, exclusiveMin: true, description: 'sigmoid sharpness' },
    scale: { type: 'number', min: 0, exclusiveMin: true, description: 'inverse temperature 1/τ' },
    iterations: { type: 'number', min: 1, max: 1000, integer: true, description: 'bisection steps (≤ 1000)' },
  },
  check: ({ scores, targets }, { k }, context) => {
    const labels = scores.shape[1]!;
    if (k >= labels) invalidOption(context.fn, 'k', `K < L = ${labels}`, k);
    if (context.validate) checkBinaryMask(context.fn, 'targets', targets);
  },
  perExample: ({ scores, targets }, { k, alpha, scale, iterations }) => {
    const op = customGradient<[tf.Tensor, tf.Tensor]>(([x, t], save) => {
      const s = tf.mul(x, scale);
      const z = tf.mul(tf.add(s, threshold(s, k, alpha, iterations)), alpha);
      const count = tf.maximum(tf.sum(t, -1), 1);
      const value = tf.div(tf.sum(tf.mul(tf.softplus(tf.neg(z)), t), -1), count);
      save([z, t]);
      return {
        value,
        gradFunc: (dy, saved) => {
          const [zs, ts] = saved as [tf.Tensor, tf.Tensor];
          const sig = tf.sigmoid(zs);
          const g = tf.div(ts, tf.maximum(tf.sum(ts, -1, true), 1));
          const u = tf.mul(tf.mul(g, tf.sub(sig, 1)), alpha);
          // Implicit threshold gradient: correction = Σu · v / Σv with v = σ(z)σ(−z). The weights v / Σv
          // are a softmax of log v = −softplus(−z) − softplus(z), finite even when every membership
          // saturates in float32 (Σv = 0 there: equal scores with an outlier gave 0/0 = NaN).
          const logV = tf.neg(tf.add(tf.softplus(tf.neg(zs)), tf.softplus(zs)));
          const correction = tf.mul(tf.sum(u, -1, true), tf.softmax(logV));
          const grad = tf.mul(tf.mul(tf.sub(u, correction), tf.expandDims(dy, 1)), scale);
          return [grad, tf.zerosLike(ts)];
        },
      };
    });
    return op(scores, targets);
  },
});
