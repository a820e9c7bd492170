import * as tf from '@tensorflow/tfjs-core';
import {
  checkClassIds,
  checkShape,
  checkValueRange,
  classTargets,
  defineLoss,
  inferShape,
  invalidOption,
  type LossContext,
  type ReductionOptions,
  type TensorInput,
  toTensor,
} from '@xent/core';
import { studentLogitsInput, teacherLogitsInput } from './inputs.js';
import { crossEntropy, maybeStandardize, softenedKl } from './softened.js';

/** Options for {@link kdLoss}. */
export interface KdLossOptions extends ReductionOptions {
  /** Softening temperature T > 0 of both softmaxes. @defaultValue 4 */
  readonly temperature?: number;
  /**
   * Weight α ∈ [0, 1] of the label term: ℓ = α·CE(s, y) + (1 − α)·T²·KL. Needs `labels` when > 0.
   * @defaultValue 0
   */
  readonly alpha?: number;
  /**
   * int32 class ids `[N]` or float targets `[N, C]` for the label term (used when `alpha` > 0); with
   * sequence logits `[B, T, C]`, ids `[B, T]` or targets `[B, T, C]`.
   */
  readonly labels?: TensorInput;
  /** Standardize both logits per row before softening (Sun et al., CVPR 2024). @defaultValue false */
  readonly logitStandardization?: boolean;
}

const inputs = [studentLogitsInput, teacherLogitsInput] as const;

function labelTargets(labels: TensorInput, context: LossContext, classes: number): tf.Tensor {
  const fn = context.fn;
  // With leading dims [B, T] (flattened to N = B·T rows), labels come as [B, T] or [B, T, C].
  const leading = context.leadingShape ?? ['N'];
  const isTensor = labels instanceof tf.Tensor;
  const rank = isTensor ? labels.rank : inferShape(labels)?.length;
  const ids = isTensor ? labels.dtype === 'int32' : rank === leading.length;
  const tensor = toTensor(labels, fn, 'options.labels', ids ? 'int32' : 'float32');
  const shape = ids ? leading : [...leading, classes];
  checkShape(fn, 'options.labels', tensor, shape, leading.length > 1 ? new Map() : context.dims);
  if (context.validate) {
    if (ids) checkClassIds(fn, 'options.labels', tensor, classes);
    else checkValueRange(fn, 'options.labels', tensor, 0, 1);
  }
  return classTargets(ids ? tf.reshape(tensor, [-1]) : tf.reshape(tensor, [-1, classes]), classes);
}

/**
 * Knowledge distillation (Hinton, Vinyals, Dean, 2015), with the T² factor that keeps the gradient
 * scale independent of the temperature:
 *
 *   ℓᵢ = α·CE(sᵢ, yᵢ) + (1 − α)·T²·KL(softmax(tᵢ/T) ‖ softmax(sᵢ/T))
 *
 * With `logitStandardization` both s and t are first replaced by Z(x) = (x − mean x)/(1e-7 + std x)
 * (Sun et al., CVPR 2024). The teacher is a constant: compute its logits outside the gradient scope
 * (tfjs has no stop-gradient; `tf.grad` of this loss with respect to the teacher is not meaningful
 * for training).
 *
 * @param studentLogits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param teacherLogits float32 `[N, C]` (same shape).
 * @returns `[N]` with `reduction: 'none'`, else a scalar ('mean' over the batch = KL "batchmean").
 * @see https://arxiv.org/abs/1503.02531
 * @example const loss = kdLoss(studentLogits, teacherLogits, { temperature: 4 });
 */
export const kdLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  KdLossOptions,
  { temperature: number; alpha: number; logitStandardization: boolean }
>({
  id: 'xent/kd',
  name: 'kdLoss',
  family: 'distillation',
  summary: 'Hinton knowledge distillation: T²·KL between temperature-softened teacher and student.',
  reference: {
    title: 'Distilling the Knowledge in a Neural Network',
    url: 'https://arxiv.org/abs/1503.02531',
    year: 2015,
    authors: 'Hinton, Vinyals, Dean',
  },
  inputs,
  leadingDims: 'flatten',
  defaults: { temperature: 4, alpha: 0, logitStandardization: false },
  options: {
    temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'softening temperature T' },
    alpha: { type: 'number', min: 0, max: 1, description: 'weight of the label cross-entropy term' },
    labels: { type: 'other', description: 'class ids [N] or targets [N, C] for the label term' },
    logitStandardization: { type: 'boolean', description: 'z-score both logits per row first' },
  },
  check: ({ studentLogits }, { alpha, labels, logitStandardization }, { fn }) => {
    if (alpha > 0 && labels === undefined) {
      invalidOption(fn, 'labels', 'class ids or targets when alpha > 0', 'undefined');
    }
    if (logitStandardization && (studentLogits.shape[1] ?? 0) < 2) {
      invalidOption(fn, 'logitStandardization', 'C ≥ 2 classes to standardize over', true);
    }
  },
  perExample: ({ studentLogits, teacherLogits }, options, context) => {
    const { temperature, alpha, labels, logitStandardization } = options;
    const [student, teacher] = maybeStandardize(
      logitStandardization,
      studentLogits,
      teacherLogits,
      context.fn,
    );
    const kd = tf.mul(softenedKl(student, teacher, temperature), temperature * temperature);
    if (alpha === 0) return kd;
    const targets = labelTargets(labels!, context, studentLogits.shape[1]!);
    return tf.add(tf.mul(crossEntropy(studentLogits, targets), alpha), tf.mul(kd, 1 - alpha));
  },
});
