import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  detached,
  gatherRowsSparse,
  log1mExp,
  logSoftmax,
  logSumExp,
  type ReductionOptions,
  readSyncIfPossible,
  XentError,
} from '@xent/core';
import { temperatureOption } from './divergence.js';
import { studentLogitsInput } from './inputs.js';

/** How {@link sparseKdLoss} treats the teacher's mass outside its top k. */
export type SparseTeacherTail = 'bucket' | 'renormalize';

/** Options for {@link sparseKdLoss}. */
export interface SparseKdLossOptions extends ReductionOptions {
  /**
   * Temperature T > 0 of the student's softmax, q = softmax(s/T). The teacher's log-probabilities are
   * used as stored: store them at the same temperature. No T² factor. @defaultValue 1
   */
  readonly temperature?: number;
  /**
   * `'bucket'`: the tail is one more class on both sides, r = 1 − Σ_k p_k against s = 1 − Σ_k q_k
   * (an exact KL of the coarsened distributions). `'renormalize'`: the teacher's top k renormalised
   * to sum to 1, against the full student softmax (KL(p̃ ‖ q), the tail ignored). @defaultValue 'bucket'
   */
  readonly tail?: SparseTeacherTail;
}

const inputs = [
  studentLogitsInput,
  {
    name: 'teacherIndices',
    dtype: 'int32',
    shape: ['N', 'K'],
    description: "the teacher's top-k class ids per row (distinct, in [0, C))",
  },
  {
    name: 'teacherLogProbs',
    dtype: 'float32',
    shape: ['N', 'K'],
    description: "the teacher's log-probabilities of those classes (≤ 0, Σ exp ≤ 1)",
  },
] as const;

function checkTeacher(fn: string, indices: tf.Tensor, logProbs: tf.Tensor, classes: number): void {
  const ids = readSyncIfPossible(indices);
  const lp = readSyncIfPossible(logProbs);
  if (ids === undefined || lp === undefined) return;
  const k = indices.shape[1]!;
  const fail = (argument: string, expected: string, received: string): never => {
    throw new XentError('LABEL_OUT_OF_RANGE', { fn, argument, expected, received });
  };
  for (let row = 0; row < indices.shape[0]!; row++) {
    const seen = new Set<number>();
    let mass = 0;
    for (let j = 0; j < k; j++) {
      const id = ids[row * k + j]!;
      if (id < 0 || id >= classes)
        fail('teacherIndices', `class ids in [0, ${classes})`, `${id} in row ${row}`);
      if (seen.has(id)) fail('teacherIndices', 'distinct ids per row', `${id} twice in row ${row}`);
      seen.add(id);
      const value = lp[row * k + j]!;
      if (value > 1e-6) fail('teacherLogProbs', 'log-probabilities ≤ 0', `${value} in row ${row}`);
      mass += Math.exp(value);
    }
    if (mass > 1 + 1e-4) fail('teacherLogProbs', 'Σ exp(log p) ≤ 1 per row', `${mass} in row ${row}`);
  }
}

/**
 * Knowledge distillation from a sparse teacher: its top-k class ids and log-probabilities per row,
 * `[..., k]`, as offline LM distillation stores them (k ≪ vocabulary; Liger-Kernel #441).
 *
 *   tail 'bucket' (default):  ℓᵢ = Σ_{j∈Kᵢ} p_j (log p_j − log q_j) + r·(log r − log s)
 *       r = 1 − Σ_{j∈Kᵢ} p_j (teacher tail),  s = 1 − Σ_{j∈Kᵢ} q_j (student tail)
 *   tail 'renormalize':       ℓᵢ = Σ_{j∈Kᵢ} p̃_j (log p̃_j − log q_j),  p̃_j = p_j / Σ_{k∈Kᵢ} p_k
 *
 * with q = softmax(s/T) the student's full softmax. 'bucket' is the KL between the two
 * distributions coarsened to k + 1 bins (k classes and "everything else"), so it is ≥ 0 and 0 when
 * the student matches the teacher on the top k and on the tail mass; the student's tail log s is
 * taken as a log-sum-exp over the classes outside K (exact even when s ≪ 1e-7). A row whose k ids
 * cover all its mass (r = 0) has no tail term. With k = C both tails reduce to `kdLoss`'s KL at T = 1
 * (without its T²). Sequences `[B, T, C]` with `[B, T, k]` teacher tensors work as they are; mask
 * positions with `weights` `[B, T]` of 0/1.
 *
 * @param studentLogits float32 `[N, C]` or `[..., C]`.
 * @param teacherIndices int32 `[N, k]` (or `[..., k]`), distinct ids per row in [0, C).
 * @param teacherLogProbs float32 `[N, k]` (or `[..., k]`), log p ≤ 0 with Σ p ≤ 1 per row.
 * @returns `[...]` with `reduction: 'none'`, else a scalar.
 * @see https://github.com/linkedin/Liger-Kernel/issues/441
 * @example const loss = sparseKdLoss(studentLogits, topIds, topLogProbs, { tail: 'bucket' });
 */
export const sparseKdLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  SparseKdLossOptions,
  { temperature: number; tail: SparseTeacherTail }
>({
  id: 'xent/sparse-kd',
  name: 'sparseKdLoss',
  family: 'distillation',
  summary:
    "KD from a sparse teacher (top-k ids + log-probs), the teacher's tail as one bucket or renormalised.",
  reference: {
    title: 'Liger-Kernel #441: distillation from stored top-k teacher log-probabilities',
    url: 'https://github.com/linkedin/Liger-Kernel/issues/441',
  },
  inputs,
  leadingDims: 'flatten',
  defaults: { temperature: 1, tail: 'bucket' },
  options: {
    temperature: temperatureOption,
    tail: {
      type: 'enum',
      values: ['bucket', 'renormalize'],
      description: "how the teacher's tail is handled",
    },
  },
  check: ({ studentLogits, teacherIndices, teacherLogProbs }, _options, { fn, validate }) => {
    const classes = studentLogits.shape[1]!;
    const k = teacherIndices.shape[1]!;
    if (k > classes) {
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: 'teacherIndices',
        expected: `k ≤ C = ${classes} ids per row`,
        received: `k = ${k}`,
      });
    }
    if (validate) checkTeacher(fn, teacherIndices, teacherLogProbs, classes);
  },
  perExample: ({ studentLogits, teacherIndices, teacherLogProbs }, { temperature, tail }) => {
    const [rows, classes] = studentLogits.shape as [number, number];
    const k = teacherIndices.shape[1]!;
    const scaled = temperature === 1 ? studentLogits : tf.div(studentLogits, temperature);
    const logQ = logSoftmax(scaled);
    // Flat positions row·C + id: one gather of log q at the teacher's ids (gradient O(N·k)).
    const flatIds = tf.reshape(
      tf.add(teacherIndices, tf.reshape(tf.range(0, rows * classes, classes, 'int32'), [rows, 1])),
      [-1],
    );
    const logQTop = tf.reshape(gatherRowsSparse(tf.reshape(logQ, [rows * classes, 1]), flatIds), [rows, k]);
    if (tail === 'renormalize') {
      const logPTilde = tf.sub(teacherLogProbs, logSumExp(teacherLogProbs, { keepDims: true }));
      return tf.sum(tf.mul(tf.exp(logPTilde), tf.sub(logPTilde, logQTop)), -1);
    }
    const top = tf.sum(tf.mul(tf.exp(teacherLogProbs), tf.sub(teacherLogProbs, logQTop)), -1);
    // log s: the student's log-sum-exp over the classes outside K, minus its log Z.
    const covered = tf.reshape(
      tf.scatterND(tf.reshape(flatIds, [-1, 1]), tf.ones([rows * k]), [rows * classes]),
      [rows, classes],
    );
    const logS = tf.sub(logSumExp(scaled, { mask: tf.equal(covered, 0) }), logSumExp(scaled));
    const teacherMass = logSumExp(teacherLogProbs);
    // A constant 0/1 flag (comparisons have no gradient in tfjs: taken off the tape).
    const hasTail = detached((m) => tf.cast(tf.less(m, -1e-7), 'float32'), teacherMass);
    const safe = (x: tf.Tensor, fill: number) =>
      tf.where(tf.cast(hasTail, 'bool'), x, tf.fill(x.shape, fill));
    const logR = log1mExp(safe(teacherMass, -1));
    const tailTerm = tf.mul(tf.mul(tf.exp(logR), tf.sub(logR, safe(logS, 0))), hasTail);
    return tf.add(top, tailTerm);
  },
});
