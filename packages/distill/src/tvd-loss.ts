import * as tf from '@tensorflow/tfjs-core';
import { defineLoss } from '@xent/core';
import {
  type DivergenceOptions,
  divergenceInputs,
  softenedLogProbs,
  temperatureOption,
} from './divergence.js';

/** Options for {@link tvdLoss}. */
export type TvdLossOptions = DivergenceOptions;

/**
 * Total variation distance between the teacher's and the student's distributions (Liger's
 * `LigerTVDLoss`):
 *
 *   ℓᵢ = ½·Σ_c |p_ic − q_ic| ∈ [0, 1],   p = softmax(t/T), q = softmax(s/T)
 *
 * Symmetric and bounded; its gradient in q is ½·sign(q − p) (0 where they are equal). Sequences
 * `[B, T, C]` work as they are; mask positions with `weights` `[B, T]` of 0/1.
 *
 * @param studentLogits float32 `[N, C]` or `[..., C]`.  @param teacherLogits float32, same shape.
 * @returns `[...]` with `reduction: 'none'`, else a scalar.
 * @see https://github.com/linkedin/Liger-Kernel (LigerTVDLoss)
 * @example const loss = tvdLoss(studentLogits, teacherLogits);
 */
export const tvdLoss = /* @__PURE__ */ defineLoss<
  typeof divergenceInputs,
  TvdLossOptions,
  { temperature: number }
>({
  id: 'xent/tvd',
  name: 'tvdLoss',
  family: 'distillation',
  summary: 'Total variation distance ½·Σ|p − q| between teacher and student distributions.',
  reference: {
    title: 'Liger Kernel: Efficient Triton Kernels for LLM Training (LigerTVDLoss)',
    url: 'https://github.com/linkedin/Liger-Kernel',
  },
  inputs: divergenceInputs,
  leadingDims: 'flatten',
  defaults: { temperature: 1 },
  options: { temperature: temperatureOption },
  perExample: ({ studentLogits, teacherLogits }, { temperature }) => {
    const { logQ, logP } = softenedLogProbs(studentLogits, teacherLogits, temperature);
    return tf.mul(tf.sum(tf.abs(tf.sub(tf.exp(logP), tf.exp(logQ))), -1), 0.5);
  },
});
