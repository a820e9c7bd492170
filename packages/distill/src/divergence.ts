import * as tf from '@tensorflow/tfjs-core';
import { logAddExp, logSoftmax, type ReductionOptions } from '@xent/core';
import { studentLogitsInput, teacherLogitsInput } from './inputs.js';

/** Inputs of the divergence losses: student then teacher logits, `[N, C]` or any `[..., C]`. */
export const divergenceInputs = [studentLogitsInput, teacherLogitsInput] as const;

/** Options every divergence loss takes. */
export interface DivergenceOptions extends ReductionOptions {
  /**
   * Softening temperature T > 0 of both softmaxes: p = softmax(t/T), q = softmax(s/T). No T² factor
   * (as Liger; `kdLoss` has it): multiply by T² yourself for Hinton's gradient scale. @defaultValue 1
   */
  readonly temperature?: number;
}

export const temperatureOption = {
  type: 'number',
  min: 0,
  exclusiveMin: true,
  description: 'softening temperature T of both softmaxes',
} as const;

/** log q (student) and log p (teacher) at temperature T, per row. */
export function softenedLogProbs(
  student: tf.Tensor,
  teacher: tf.Tensor,
  temperature: number,
): { logQ: tf.Tensor; logP: tf.Tensor } {
  const soften = (x: tf.Tensor) => logSoftmax(temperature === 1 ? x : tf.div(x, temperature));
  return { logQ: soften(student), logP: soften(teacher) };
}

/** Σ_c e^{log a}·(log a − log b) per row: KL(a ‖ b) from log-probabilities. */
export function klFromLogs(logA: tf.Tensor, logB: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(tf.exp(logA), tf.sub(logA, logB)), -1);
}

/** log(w·a + (1 − w)·b) from log a, log b, for a weight w ∈ (0, 1). */
export function logMixture(logA: tf.Tensor, logB: tf.Tensor, weight: number): tf.Tensor {
  return logAddExp(tf.add(logA, Math.log(weight)), tf.add(logB, Math.log(1 - weight)));
}
