import * as tf from '@tensorflow/tfjs-core';
import { customGradient, isClassIds, rowLogSumExp, sparseSoftmaxCrossEntropy } from '@xent/core';

/** The paper of {@link ldrKlLoss} and {@link aldrKlLoss}. */
export const ldrReference = {
  title:
    'Label Distributionally Robust Losses for Multi-class Classification: Consistency, Robustness and Adaptivity',
  url: 'https://arxiv.org/abs/2112.14869',
  year: 2023,
  authors: 'Zhu, Ying, Yang',
} as const;

/** How LDR losses rescale the logits before the loss (the official code's choices). */
export type LdrNormalization = 'none' | 'softplus' | 'l1';

/** Option metadata shared by {@link ldrKlLoss} and {@link aldrKlLoss}. */
export const ldrNormalizationOption = {
  type: 'enum',
  values: ['none', 'softplus', 'l1'],
  description: "logit rescaling: 'softplus' s̃ = softplus(s)/mean softplus(s), 'l1' s̃ = s/(‖s‖₁/C)",
} as const;

/**
 * s̃/d: the logits as given, softplus(s)/mean_c softplus(s)_c, or s/(‖s‖₁/C) (row-wise; 0/0 gives 0),
 * divided by the constant d in the same op. The rescaling has a closed-form gradient: with p = f(s)
 * (softplus or identity), m = mean_c g(s) (g = f for softplus, |·| for l1) and upstream u,
 *   ∂/∂s_i = f′(s_i)·u_i/(m d) − g′(s_i)·(Σ_j u_j p_j)/(C m² d).
 */
export function normalizeScores(logits: tf.Tensor, mode: LdrNormalization, divisor = 1): tf.Tensor {
  if (mode === 'none') return divisor === 1 ? logits : tf.div(logits, divisor);
  const softplus = mode === 'softplus';
  const op = customGradient<[tf.Tensor]>(([s], save) => {
    const p = softplus ? tf.softplus(s) : s;
    const scale = tf.tidy(() => tf.maximum(tf.mean(softplus ? p : tf.abs(s), -1, true), 1e-12));
    save([s, p, scale]);
    const value = tf.div(p, tf.mul(scale, divisor));
    if (p !== s) p.dispose();
    scale.dispose();
    return {
      value,
      gradFunc: (dy, [input, positive, m]) =>
        tf.tidy(() => {
          const C = input!.shape[1]!;
          const md = tf.mul(m!, divisor);
          const r = tf.div(tf.sum(tf.mul(dy, positive!), -1, true), tf.mul(tf.mul(md, m!), C));
          if (softplus) return tf.mul(tf.sigmoid(input!), tf.sub(tf.div(dy, md), r));
          return tf.sub(tf.div(dy, md), tf.mul(tf.sign(input!), r));
        }),
    };
  });
  return op(logits);
}

/**
 * The label-distributionally-robust KL term, per row, from `scaled` = s̃/λ and λ (a number or `[N]`):
 *
 *   λ · log( (1/C) Σ_k exp((c·(1 − t_k) + s̃_k − Σ_j t_j s̃_j)/λ) )
 *
 * which for one-hot t is λ·log((1/C) Σ_k exp((c·1[k ≠ y] + s̃_k − s̃_y)/λ)) = λ·(CE_m(s̃/λ, y) − log C),
 * with CE_m the cross-entropy whose true-class logit is lowered by m = c/λ: for int32 ids that is
 * core's fused sparse cross-entropy with a margin (closed-form gradient, no one-hot).
 */
export function ldrKlTerm(
  scaled: tf.Tensor,
  labels: tf.Tensor,
  margin: number,
  lambda: number | tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const [, C] = scaled.shape as [number, number];
    const rowMargin = typeof lambda === 'number' ? margin / lambda : tf.div(margin, lambda);
    if (isClassIds(labels)) {
      const ce = sparseSoftmaxCrossEntropy(scaled, labels, { margin: rowMargin });
      return tf.mul(tf.sub(ce, Math.log(C)), lambda);
    }
    const columnMargin = typeof rowMargin === 'number' ? rowMargin : tf.reshape(rowMargin, [-1, 1]);
    const trueScore = tf.sum(tf.mul(labels, scaled), -1, true);
    const shifted = tf.sub(tf.add(tf.mul(tf.sub(1, labels), columnMargin), scaled), trueScore);
    return tf.mul(tf.sub(rowLogSumExp(shifted), Math.log(C)), lambda);
  });
}
