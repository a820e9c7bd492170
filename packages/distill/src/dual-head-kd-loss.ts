import * as tf from '@tensorflow/tfjs-core';
import { classTargets, defineLoss, type IgnoreIndexOptions, type ReductionOptions } from '@xent/core';
import { crossEntropy, softenedKl } from './softened.js';

/** Options for {@link dualHeadKdLoss}. */
export interface DualHeadKdLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Temperature T > 0 of the logit-level BinaryKL-Norm loss on the auxiliary head. @defaultValue 2 */
  readonly temperature?: number;
  /** Weight α of the logit-level loss on the auxiliary head (the official `--alpha`). @defaultValue 1 */
  readonly auxWeight?: number;
  /** Weight γ of the cross-entropy on the main head (the official `--gamma`). @defaultValue 1 */
  readonly ceWeight?: number;
  /**
   * Probability-level loss on the main head: `'ce'` (the official code: cross-entropy only) or
   * `'ce+kd'` (adds kdWeight·T_kd²·KL(softmax(t/T_kd) ‖ softmax(z₁/T_kd))). @defaultValue 'ce'
   */
  readonly probLoss?: 'ce' | 'ce+kd';
  /** Temperature of the optional KD term on the main head. @defaultValue 4 */
  readonly kdTemperature?: number;
  /** Weight of the optional KD term on the main head. @defaultValue 1 */
  readonly kdWeight?: number;
}

const inputs = [
  {
    name: 'mainLogits',
    dtype: 'float32',
    shape: ['N', 'C'],
    description: 'main-head logits (used at inference)',
  },
  {
    name: 'auxLogits',
    dtype: 'float32',
    shape: ['N', 'C'],
    description: 'auxiliary-head logits (training only)',
  },
  {
    name: 'teacherLogits',
    dtype: 'float32',
    shape: ['N', 'C'],
    description: 'teacher logits (a constant: compute them outside the gradient scope)',
  },
  { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'class ids [N] or targets [N, C]' },
] as const;

/** −log of the clamped sigmoid, min(softplus(−x), −log ε): the official code clamps σ to [ε, 1 − ε]. */
const LOG_EPSILON = Math.log(1e-8);
function clampedNegLogSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.minimum(tf.softplus(tf.neg(x)), -LOG_EPSILON);
}

/**
 * Per-example BinaryKL-Norm: T²·Σ_c [½ log(½/d) + ½ log(½/(1 − d))], d = σ((s − t)/T), which equals
 * T²·Σ_c log cosh((s_c − t_c)/(2T)) up to the ε-clamp. Computed with softplus (no log 0).
 */
function binaryKlNorm(student: tf.Tensor, teacher: tf.Tensor, temperature: number): tf.Tensor {
  const x = tf.div(tf.sub(student, teacher), temperature);
  const perClass = tf.sub(
    tf.mul(tf.add(clampedNegLogSigmoid(x), clampedNegLogSigmoid(tf.neg(x))), 0.5),
    Math.LN2,
  );
  return tf.mul(tf.sum(perClass, -1), temperature * temperature);
}

/**
 * Dual-head knowledge distillation (Yang et al., KDD 2025), as the official code (penghui-yang/DHKD,
 * `train_distill` with `--dual_head`) computes it: two classifier heads on the same features; the main
 * head z₁ gets the probability-level loss, the auxiliary head z₂ the logit-level BinaryKL-Norm loss,
 * so the two never send conflicting gradients through one head:
 *
 *   ℓᵢ = γ·CE(z₁ᵢ, yᵢ) + α·T²·Σ_c [½ log(½/dᵢc) + ½ log(½/(1 − dᵢc))],   d = clamp(σ((z₂ − t)/T), ε, 1 − ε)
 *
 * (ε = 1e-8; per class this is log cosh((z₂ − t)/(2T)) inside the clamp). `probLoss: 'ce+kd'` adds a
 * Hinton KD term on the main head. At inference only the main head is used (`createDualHeadClassifier` from `@xent/distill/layers`).
 * Gradient alignment (`--ga`): take the gradients of `{ auxWeight: 0 }` and of `{ ceWeight: 0 }`
 * separately and merge them with {@link alignGradients}. The teacher is a constant.
 *
 * @param mainLogits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param auxLogits float32 `[N, C]`.  @param teacherLogits float32 `[N, C]`.
 * @param labels int32 class ids `[N]` or float targets `[N, C]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar ('mean' = the official sum / N).
 * @see https://arxiv.org/abs/2411.08937
 * @example const loss = dualHeadKdLoss(main, aux, teacherLogits, labels, { temperature: 2, auxWeight: 1 });
 */
export const dualHeadKdLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  DualHeadKdLossOptions,
  {
    temperature: number;
    auxWeight: number;
    ceWeight: number;
    probLoss: 'ce' | 'ce+kd';
    kdTemperature: number;
    kdWeight: number;
  }
>({
  id: 'xent/dual-head-kd',
  name: 'dualHeadKdLoss',
  family: 'distillation',
  summary: 'Dual-head KD: CE on the main head, logit-level BinaryKL-Norm on an auxiliary head.',
  reference: {
    title: 'Dual-Head Knowledge Distillation: Enhancing Logits Utilization with an Auxiliary Head',
    url: 'https://arxiv.org/abs/2411.08937',
    year: 2025,
    authors: 'Yang, Zong, Huang, Feng, An',
  },
  inputs,
  leadingDims: 'flatten',
  defaults: { temperature: 2, auxWeight: 1, ceWeight: 1, probLoss: 'ce', kdTemperature: 4, kdWeight: 1 },
  options: {
    temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'BinaryKL-Norm temperature T' },
    auxWeight: { type: 'number', min: 0, description: 'weight α of the auxiliary-head logit loss' },
    ceWeight: { type: 'number', min: 0, description: 'weight γ of the main-head cross-entropy' },
    probLoss: {
      type: 'enum',
      values: ['ce', 'ce+kd'],
      description: 'probability-level loss on the main head',
    },
    kdTemperature: {
      type: 'number',
      min: 0,
      exclusiveMin: true,
      description: 'temperature of the optional KD term',
    },
    kdWeight: { type: 'number', min: 0, description: 'weight of the optional KD term' },
  },
  perExample: ({ mainLogits, auxLogits, teacherLogits, labels }, options) => {
    const { temperature, auxWeight, ceWeight, probLoss, kdTemperature, kdWeight } = options;
    const targets = classTargets(labels, mainLogits.shape[1]!);
    let loss = tf.add(
      tf.mul(crossEntropy(mainLogits, targets), ceWeight),
      tf.mul(binaryKlNorm(auxLogits, teacherLogits, temperature), auxWeight),
    );
    if (probLoss === 'ce+kd') {
      const kd = softenedKl(mainLogits, teacherLogits, kdTemperature);
      loss = tf.add(loss, tf.mul(kd, kdWeight * kdTemperature * kdTemperature));
    }
    return loss;
  },
});
