import { defineLoss } from '@xent/core';
import {
  type DivergenceOptions,
  divergenceInputs,
  klFromLogs,
  softenedLogProbs,
  temperatureOption,
} from './divergence.js';

/** Options for {@link reverseKlLoss}. */
export type ReverseKlLossOptions = DivergenceOptions;

/**
 * Reverse KL distillation: the student's distribution against the teacher's, mode-seeking (the
 * student concentrates on the teacher's main modes instead of covering its tail), as MiniLLM and
 * Liger's `beta = 1` JSD use it for language models.
 *
 *   ℓᵢ = KL(qᵢ ‖ pᵢ) = Σ_c q_ic (log q_ic − log p_ic),   q = softmax(s/T), p = softmax(t/T)
 *
 * Computed from log-softmaxes (no log 0). Sequence logits `[B, T, C]` work as they are; mask
 * positions (padding, prompt) with `weights` `[B, T]` of 0/1: `'mean'` is then over the kept positions
 * (Liger's mean over non-ignored tokens), and a fully masked batch gives 0 with a zero gradient.
 * Identical distributions give 0.
 *
 * @param studentLogits float32 `[N, C]` or `[..., C]`.  @param teacherLogits float32, same shape.
 * @returns `[...]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2306.08543 (MiniLLM)
 * @example const loss = reverseKlLoss(studentLogits, teacherLogits, { temperature: 2, weights: mask });
 */
export const reverseKlLoss = /* @__PURE__ */ defineLoss<
  typeof divergenceInputs,
  ReverseKlLossOptions,
  { temperature: number }
>({
  id: 'xent/reverse-kl',
  name: 'reverseKlLoss',
  family: 'distillation',
  summary: 'Reverse KL(student ‖ teacher) of temperature-softened distributions (mode-seeking KD).',
  reference: {
    title: 'MiniLLM: Knowledge Distillation of Large Language Models',
    url: 'https://arxiv.org/abs/2306.08543',
    year: 2024,
    authors: 'Gu, Dong, Wei, Huang',
  },
  inputs: divergenceInputs,
  leadingDims: 'flatten',
  defaults: { temperature: 1 },
  options: { temperature: temperatureOption },
  perExample: ({ studentLogits, teacherLogits }, { temperature }) => {
    const { logQ, logP } = softenedLogProbs(studentLogits, teacherLogits, temperature);
    return klFromLogs(logQ, logP);
  },
});
