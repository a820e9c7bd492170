import * as tf from '@tensorflow/tfjs-core';
import { customGradient, defineLoss, FLOAT32_MAX, type ReductionOptions, scaledSquareSum } from '@xent/core';

/** Options for {@link marginMseLoss}. */
export type MarginMseLossOptions = ReductionOptions;

const inputs = [
  {
    name: 'positiveScores',
    dtype: 'float32',
    shape: ['N'],
    description: 'student score of (query, positive)',
  },
  {
    name: 'negativeScores',
    dtype: 'float32',
    shape: ['N', 'K'],
    description: 'student scores of (query, negative k)',
  },
  {
    name: 'teacherMargins',
    dtype: 'float32',
    shape: ['N', 'K'],
    description: 'teacher(q, pos) − teacher(q, neg k)',
  },
] as const;

const clip = (x: tf.Tensor) => tf.clipByValue(x, -FLOAT32_MAX, FLOAT32_MAX);

/**
 * (1/K)·Σₖ (s⁺ − s⁻ₖ − mₖ)² per row, with the closed-form gradient g = 2·dₖ/K (∂/∂s⁺ = Σₖ gₖ,
 * ∂/∂s⁻ = ∂/∂m = −g) computed from the float32-clipped errors with the small factors first and
 * clipped to float32, so it is finite even where the true gradient exceeds float32.
 */
const marginMeanSquare = /* @__PURE__ */ customGradient<[tf.Tensor, tf.Tensor, tf.Tensor]>(
  ([positive, negative, margins], save) => {
    const diff = tf.tidy(() => tf.sub(tf.sub(tf.expandDims(positive, 1), negative), margins));
    save([diff]);
    const k = negative.shape[1]!;
    return {
      value: scaledSquareSum(diff, 1 / k),
      gradFunc: (dy, [d]) =>
        tf.tidy(() => {
          const perK = tf.mul(clip(d!), tf.expandDims(tf.div(dy, k), 1));
          const g = clip(tf.mul(perK, 2));
          return [clip(tf.mul(tf.sum(perK, -1), 2)), tf.neg(g), tf.neg(g)];
        }),
    };
  },
);

/**
 * Margin-MSE distillation (Hofstätter et al., 2020): the student's positive−negative score margin
 * regresses onto the teacher's (signed, no absolute value, as in sentence-transformers).
 *
 *   ℓᵢ = (1/K) Σₖ (s⁺ᵢ − s⁻ᵢₖ − mᵢₖ)²
 *
 * @param positiveScores float32 `[N]`.  @param negativeScores float32 `[N, K]`.
 * @param teacherMargins float32 `[N, K]`.
 * The mean square is computed as Σₖ (dₖ/K)·dₖ (core's `scaledSquareSum`), so it is finite and correct
 * wherever the true loss is representable, also for margin errors beyond ≈ 1.8e19 where dₖ² alone
 * overflows float32; a true loss beyond float32 saturates at its largest value (≈ 3.4e38), with the
 * gradient 2·dₖ/K clipped to float32 — never ±Infinity or NaN for finite inputs.
 *
 * @returns `[N]` with `reduction: 'none'`, else a scalar. K = 0 (no negatives): 0 with a zero gradient.
 * @see https://arxiv.org/abs/2010.02666
 * @example const loss = marginMseLoss(sPos, sNeg, tf.sub(tPos.expandDims(1), tNeg));
 */
export const marginMseLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  MarginMseLossOptions,
  Record<never, never>
>({
  id: 'xent/margin-mse',
  name: 'marginMseLoss',
  family: 'retrieval',
  summary: "Margin-MSE: squared error between the student's and the teacher's positive−negative margins.",
  reference: {
    title: 'Improving Efficient Neural Ranking Models with Cross-Architecture Knowledge Distillation',
    url: 'https://arxiv.org/abs/2010.02666',
    year: 2020,
  },
  inputs,
  defaults: {},
  perExample: ({ positiveScores, negativeScores, teacherMargins }) => {
    const k = negativeScores.shape[1]!;
    // K = 0 (no negatives): 0 with a zero gradient, not the mean of nothing (0/0).
    if (k === 0) return tf.mul(positiveScores, 0);
    return marginMeanSquare(positiveScores, negativeScores, teacherMargins);
  },
});
