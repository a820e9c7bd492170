import { defineLoss } from '@xent/core';
import {
  type DivergenceOptions,
  divergenceInputs,
  klFromLogs,
  logMixture,
  softenedLogProbs,
  temperatureOption,
} from './divergence.js';

/** Options for {@link skewKlLoss}. */
export interface SkewKlLossOptions extends DivergenceOptions {
  /** Skew α ∈ [0, 1): the teacher's weight in the mixture; α = 0 is forward KL. @defaultValue 0.1 */
  readonly alpha?: number;
}

/**
 * α-skew KL divergence (DistiLLM, Ko et al., ICML 2024): forward KL against a mixture that keeps the
 * student's side away from zero, which bounds the gradient where the student assigns ~0 mass:
 *
 *   ℓᵢ = KL(p ‖ α·p + (1 − α)·q) = Σ_c p_c (log p_c − log m_c),   p = softmax(t/T), q = softmax(s/T)
 *
 * α = 0 is KL(p ‖ q); the value is in [0, −log α]. DistiLLM's code returns the cross-entropy
 * −Σ p log m, which differs by the teacher entropy (a constant for the student: same gradient).
 * Sequences `[B, T, C]` work as they are; mask positions with `weights` `[B, T]` of 0/1.
 *
 * @param studentLogits float32 `[N, C]` or `[..., C]`.  @param teacherLogits float32, same shape.
 * @returns `[...]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2402.03898
 * @example const loss = skewKlLoss(studentLogits, teacherLogits, { alpha: 0.1 });
 */
export const skewKlLoss = /* @__PURE__ */ defineLoss<
  typeof divergenceInputs,
  SkewKlLossOptions,
  { temperature: number; alpha: number }
>({
  id: 'xent/skew-kl',
  name: 'skewKlLoss',
  family: 'distillation',
  summary: 'α-skew KL(teacher ‖ α·teacher + (1 − α)·student), DistiLLM.',
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
    alpha: { type: 'number', min: 0, max: 1, exclusiveMax: true, description: "skew α: teacher's weight" },
  },
  perExample: ({ studentLogits, teacherLogits }, { temperature, alpha }) => {
    const { logQ, logP } = softenedLogProbs(studentLogits, teacherLogits, temperature);
    return klFromLogs(logP, alpha === 0 ? logQ : logMixture(logP, logQ, alpha));
  },
});
