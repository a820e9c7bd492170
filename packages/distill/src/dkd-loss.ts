import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  type IgnoreIndexOptions,
  logSoftmax,
  logSumExp,
  oneHot,
  pickClass,
  type ReductionOptions,
} from '@xent/core';
import { requireClassIds, requireTwoClasses } from './class-ids.js';
import { classIdsInput, studentLogitsInput, teacherLogitsInput } from './inputs.js';
import { maybeStandardize } from './softened.js';

/** Options for {@link dkdLoss}. */
export interface DkdLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Weight α of the target-class term TCKD. @defaultValue 1 */
  readonly alpha?: number;
  /** Weight β of the non-target-class term NCKD. @defaultValue 8 */
  readonly beta?: number;
  /** Softening temperature T > 0. @defaultValue 4 */
  readonly temperature?: number;
  /** Standardize both logits per row before softening (Sun et al., CVPR 2024). @defaultValue false */
  readonly logitStandardization?: boolean;
}

const inputs = [studentLogitsInput, teacherLogitsInput, classIdsInput] as const;

/** Log-probabilities of the binary split [p_y, 1 − p_y] and of the softmax over non-target classes. */
function decoupled(logits: tf.Tensor, labels: tf.Tensor, nonTarget: tf.Tensor) {
  const lseAll = logSumExp(logits, { keepDims: true });
  const lseRest = logSumExp(logits, { keepDims: true, mask: nonTarget });
  const logTarget = pickClass(logSoftmax(logits), labels);
  const logRest = tf.squeeze(tf.sub(lseRest, lseAll), [1]);
  // Zero at the target: there log p = z_y − lse(rest) can exceed 88 (a teacher gap ≥ ~400 at T = 4), and
  // exp(+∞)·0 was NaN.
  return { logTarget, logRest, logNonTarget: tf.mul(tf.sub(logits, lseRest), nonTarget) };
}

/**
 * Decoupled knowledge distillation (Zhao et al., CVPR 2022). With b = [p_y, 1 − p_y] the target /
 * non-target split of softmax(·/T) and p̂ the softmax over the non-target classes only:
 *
 *   TCKDᵢ = T²·KL(bᵀ ‖ bˢ),   NCKDᵢ = T²·KL(p̂ᵀ ‖ p̂ˢ),   ℓᵢ = α·TCKDᵢ + β·NCKDᵢ
 *
 * Classic KD decomposes as KD = TCKD + (1 − pᵀ_y)·NCKD. The cross-entropy term and the warm-up factor
 * min(epoch / 20, 1) of the paper's training recipe are left to the caller: add CE yourself and scale
 * this loss. Log-probabilities come from masked log-sum-exps (no log 0, no −1000 masking trick). The
 * teacher is a constant (compute its logits outside the gradient scope).
 *
 * @param studentLogits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`), C ≥ 2.  @param teacherLogits float32 `[N, C]`.
 * @param labels int32 class ids `[N]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2203.08679
 * @example const loss = dkdLoss(studentLogits, teacherLogits, labels, { alpha: 1, beta: 8, temperature: 4 });
 */
export const dkdLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  DkdLossOptions,
  { alpha: number; beta: number; temperature: number; logitStandardization: boolean }
>({
  id: 'xent/dkd',
  name: 'dkdLoss',
  family: 'distillation',
  summary: 'Decoupled KD: separately weighted target-class and non-target-class distillation terms.',
  reference: {
    title: 'Decoupled Knowledge Distillation',
    url: 'https://arxiv.org/abs/2203.08679',
    year: 2022,
    authors: 'Zhao, Cui, Song, Qiu, Liang',
  },
  inputs,
  leadingDims: 'flatten',
  defaults: { alpha: 1, beta: 8, temperature: 4, logitStandardization: false },
  options: {
    alpha: { type: 'number', min: 0, description: 'weight of the target-class term TCKD' },
    beta: { type: 'number', min: 0, description: 'weight of the non-target-class term NCKD' },
    temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'softening temperature T' },
    logitStandardization: { type: 'boolean', description: 'z-score both logits per row first' },
  },
  check: ({ studentLogits, labels }, _options, { fn }) => {
    requireClassIds(fn, labels);
    requireTwoClasses(fn, 'studentLogits', studentLogits);
  },
  perExample: ({ studentLogits, teacherLogits, labels }, options, context) => {
    const { alpha, beta, temperature, logitStandardization } = options;
    const [student, teacher] = maybeStandardize(
      logitStandardization,
      studentLogits,
      teacherLogits,
      context.fn,
    );
    const classes = studentLogits.shape[1]!;
    const nonTarget = tf.sub(1, oneHot(labels, classes));
    const s = decoupled(tf.div(student, temperature), labels, nonTarget);
    const t = decoupled(tf.div(teacher, temperature), labels, nonTarget);
    const tckd = tf.add(
      tf.mul(tf.exp(t.logTarget), tf.sub(t.logTarget, s.logTarget)),
      tf.mul(tf.exp(t.logRest), tf.sub(t.logRest, s.logRest)),
    );
    const nckd = tf.sum(
      tf.mul(tf.mul(tf.exp(t.logNonTarget), nonTarget), tf.sub(t.logNonTarget, s.logNonTarget)),
      -1,
    );
    const scale = temperature * temperature;
    return tf.add(tf.mul(tckd, alpha * scale), tf.mul(nckd, beta * scale));
  },
});
