import * as tf from '@tensorflow/tfjs-core';
import { defineLoss } from '@xent/core';
import {
  type DivergenceOptions,
  divergenceInputs,
  klFromLogs,
  logMixture,
  softenedLogProbs,
  temperatureOption,
} from './divergence.js';

/** Options for {@link jsdLoss}. */
export interface JsdLossOptions extends DivergenceOptions {
  /**
   * β ∈ [0, 1], the teacher's weight in the mixture. 0.5 is the symmetric JSD; β = 0 is forward
   * KL(p ‖ q) and β = 1 reverse KL(q ‖ p) (Liger's special cases). @defaultValue 0.5
   */
  readonly beta?: number;
}

/**
 * Generalised Jensen-Shannon divergence, as Liger defines it (p the teacher, q the student):
 *
 *   JSD_β(p ‖ q) = β·KL(p ‖ m) + (1 − β)·KL(q ‖ m),   m = β·p + (1 − β)·q
 *              = Σ_c [β p_c log p_c + (1 − β) q_c log q_c − m_c log m_c]
 *
 * with p = softmax(t/T), q = softmax(s/T); β = 0 gives KL(p ‖ q) and β = 1 KL(q ‖ p) (the formula
 * itself would vanish there). log m = logAddExp(log β + log p, log(1 − β) + log q), so no log 0.
 * Bounded by log 2 at β = ½ (in nats); 0 for identical distributions. Sequences `[B, T, C]` work as
 * they are; mask positions with `weights` `[B, T]` of 0/1 ('mean' over the kept positions, 0 with a
 * zero gradient when all are masked).
 *
 * @param studentLogits float32 `[N, C]` or `[..., C]`.  @param teacherLogits float32, same shape.
 * @returns `[...]` with `reduction: 'none'`, else a scalar.
 * @see https://github.com/linkedin/Liger-Kernel (LigerJSD), https://arxiv.org/abs/2306.13649 (GKD)
 * @example const loss = jsdLoss(studentLogits, teacherLogits, { beta: 0.5, temperature: 1 });
 */
export const jsdLoss = /* @__PURE__ */ defineLoss<
  typeof divergenceInputs,
  JsdLossOptions,
  { temperature: number; beta: number }
>({
  id: 'xent/jsd',
  name: 'jsdLoss',
  family: 'distillation',
  summary: 'Generalised Jensen-Shannon divergence JSD_β between teacher and student (Liger semantics).',
  reference: {
    title: 'On-Policy Distillation of Language Models: Learning from Self-Generated Mistakes (GKD)',
    url: 'https://arxiv.org/abs/2306.13649',
    year: 2024,
    authors: 'Agarwal, Vieillard, Zhou, Stanczyk, Ramos, Geist, Bachem',
  },
  inputs: divergenceInputs,
  leadingDims: 'flatten',
  defaults: { temperature: 1, beta: 0.5 },
  options: {
    temperature: temperatureOption,
    beta: { type: 'number', min: 0, max: 1, description: "teacher's weight β in the mixture" },
  },
  perExample: ({ studentLogits, teacherLogits }, { temperature, beta }) => {
    const { logQ, logP } = softenedLogProbs(studentLogits, teacherLogits, temperature);
    if (beta === 0) return klFromLogs(logP, logQ);
    if (beta === 1) return klFromLogs(logQ, logP);
    const logM = logMixture(logP, logQ, beta);
    return tf.add(tf.mul(klFromLogs(logP, logM), beta), tf.mul(klFromLogs(logQ, logM), 1 - beta));
  },
});
