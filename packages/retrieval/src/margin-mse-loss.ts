import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';

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

/**
 * Margin-MSE distillation (Hofstätter et al., 2020): the student's positive−negative score margin
 * regresses onto the teacher's (signed, no absolute value, as in sentence-transformers).
 *
 *   ℓᵢ = (1/K) Σₖ (s⁺ᵢ − s⁻ᵢₖ − mᵢₖ)²
 *
 * @param positiveScores float32 `[N]`.  @param negativeScores float32 `[N, K]`.
 * @param teacherMargins float32 `[N, K]`.
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
    const diff = tf.sub(tf.sub(tf.expandDims(positiveScores, 1), negativeScores), teacherMargins);
    return tf.mean(tf.square(diff), -1);
  },
});
