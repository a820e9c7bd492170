import { defineLoss } from '@xent/core';
import {
  type DivergenceOptions,
  divergenceInputs,
  klFromLogs,
  logMixture,
  softenedLogProbs,
  temperatureOption,
} from './divergence.js';

/** Options for {@link skewReverseKlLoss}. */
export interface SkewReverseKlLossOptions extends DivergenceOptions {
  /** Skew α ∈ [0, 1): the student's weight in the mixture; α = 0 is reverse KL. @defaultValue 0.1 */
  readonly alpha?: number;
}

/**
 * α-skew reverse KL divergence (DistiLLM, Ko et al., ICML 2024):
 *
 *   ℓᵢ = KL(q ‖ α·q + (1 − α)·p) = Σ_c q_c (log q_c − log m_c),   p = softmax(t/T), q = softmax(s/T)
 *
 * α = 0 is reverse KL(q ‖ p); the value is in [0, −log α] (DistiLLM's `skewed_reverse_kl`). Sequences
 * `[B, T, C]` work as they are; mask positions with `weights` `[B, T]` of 0/1.
 *
 * @param studentLogits float32 `[N, C]` or `[..., C]`.  @param teacherLogits float32, same shape.
 * @returns `[...]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2402.03898
 * @example const loss = skewReverseKlLoss(studentLogits, teacherLogits, { alpha: 0.1 });
 */
export const skewReverseKlLoss = /* @__PURE__ */ defineLoss<
  typeof divergenceInputs,
  SkewReverseKlLossOptions,
  { temperature: number; alpha: number }
>({
  id: 'xent/skew-reverse-kl',
  name: 'skewReverseKlLoss',
  family: 'distillation',
  summary: 'α-skew reverse KL(student ‖ α·student + (1 − α)·teacher), DistiLLM.',
  reference: {
    title: 'DistiLLM: Towards Streamlined Distillation for Large Language Models',
    url: 'https://arxiv.org/abs/2402.03898',
    year: 2024,
    authors: 'Ko, Kim, Chen, Yun',
  },
  inputs: divergenceInputs,
  leadingDims: 'flatten',
  defaults: { temperature: 1, alpha: 0.1 },
  options: {
    temperature: temperatureOption,
    alpha: { type: 'number', min: 0, max: 1, exclusiveMax: true, description: "skew α: student's weight" },
  },
  perExample: ({ studentLogits, teacherLogits }, { temperature, alpha }) => {
    const { logQ, logP } = softenedLogProbs(studentLogits, teacherLogits, temperature);
    return klFromLogs(logQ, alpha === 0 ? logP : logMixture(logQ, logP, alpha));
  },
});
