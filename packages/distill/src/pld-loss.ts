import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  type IgnoreIndexOptions,
  permuteRows,
  plackettLuceChoices,
  type ReductionOptions,
  type RowOrder,
  rankRows,
  softmax,
} from '@xent/core';
import { requireClassIds } from './class-ids.js';
import { classIdsInput, studentLogitsInput, teacherLogitsInput } from './inputs.js';

/** Options for {@link pldLoss}. */
export interface PldLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Temperature τ > 0 of the teacher softmax that gives the position weights (student logits are not scaled). @defaultValue 1 */
  readonly temperature?: number;
}

const inputs = [studentLogitsInput, teacherLogitsInput, classIdsInput] as const;

/**
 * The teacher-optimal permutation: the true label first (a key of +∞), then the other classes by
 * descending teacher logit (ties by class index). Sorted on the host where the data is in memory
 * (cpu, wasm), on the device elsewhere (core's rankRows: no synchronous read on webgl/webgpu). It
 * carries no gradient.
 */
function teacherOptimalOrder(teacher: tf.Tensor, labels: tf.Tensor): RowOrder {
  const classes = teacher.shape[1]!;
  const keys = tf.tidy(() =>
    tf.where(
      tf.cast(tf.oneHot(labels, classes), 'bool'),
      tf.fill(teacher.shape, Number.POSITIVE_INFINITY),
      teacher,
    ),
  );
  const order = rankRows(keys);
  keys.dispose();
  return order;
}

/**
 * Plackett-Luce distillation (Bassam, Zhu, Bian, NeurIPS 2025). With π* the teacher-optimal
 * permutation (true label first, then the other classes by descending teacher logit) and
 * q = softmax(t/τ) the teacher's probabilities:
 *
 *   ℓᵢ = Σₖ q_{π*ₖ} · ( log Σ_{j ≥ k} exp(s_{π*ⱼ}) − s_{π*ₖ} )
 *
 * a weighted sum of Plackett-Luce choice losses, used alone (it replaces CE + KD). Weights (1, 0, …, 0)
 * give cross-entropy, uniform weights ListMLE. Convex and translation-invariant in the student logits.
 * One sort per row (on the host on cpu/wasm; on the device on webgl/webgpu, with no synchronous
 * read); the choice terms are core's {@link plackettLuceChoices}, exact even when a suffix lies far
 * below the row maximum. The teacher is a constant (compute its logits
 * outside the gradient scope); the permutation carries no gradient.
 *
 * @param studentLogits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param teacherLogits float32 `[N, C]`.
 * @param labels int32 class ids `[N]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2506.12542
 * @example const loss = pldLoss(studentLogits, teacherLogits, labels, { temperature: 1 });
 */
export const pldLoss = /* @__PURE__ */ defineLoss<typeof inputs, PldLossOptions, { temperature: number }>({
  id: 'xent/pld',
  name: 'pldLoss',
  family: 'distillation',
  summary: 'Plackett-Luce distillation: teacher-weighted choice losses along the teacher-optimal ranking.',
  reference: {
    title: 'Plackett-Luce Distillation: Efficient Knowledge Transfer with a Probabilistic Ranking Loss',
    url: 'https://arxiv.org/abs/2506.12542',
    year: 2025,
    authors: 'Bassam, Zhu, Bian',
  },
  inputs,
  leadingDims: 'flatten',
  defaults: { temperature: 1 },
  options: {
    temperature: {
      type: 'number',
      min: 0,
      exclusiveMin: true,
      description: 'temperature τ of the teacher softmax (the weights)',
    },
  },
  check: ({ labels }, _options, { fn }) => requireClassIds(fn, labels),
  perExample: ({ studentLogits, teacherLogits, labels }, { temperature }) => {
    const order = teacherOptimalOrder(teacherLogits, labels);
    const weights = permuteRows(softmax(tf.div(teacherLogits, temperature)), order);
    return tf.sum(tf.mul(weights, plackettLuceChoices(permuteRows(studentLogits, order))), -1);
  },
});
