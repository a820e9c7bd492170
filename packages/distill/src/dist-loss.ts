import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, safeSqrt, softmax } from '@xent/core';
import { studentLogitsInput, teacherLogitsInput } from './inputs.js';

/** Options for {@link distLoss}. */
export interface DistLossOptions {
  /** Weight β of the inter-class (per-example) relation term. @defaultValue 1 */
  readonly beta?: number;
  /** Weight γ of the intra-class (per-class, across the batch) relation term. @defaultValue 1 */
  readonly gamma?: number;
  /** Softening temperature τ > 0. @defaultValue 1 */
  readonly temperature?: number;
  /** Data-dependent checks (finiteness); turn off in hot loops. @defaultValue true */
  readonly validate?: boolean;
}

const inputs = [studentLogitsInput, teacherLogitsInput] as const;
const EPSILON = 1e-8;

/** Mean over rows of the Pearson correlation ρ(a, b) = ⟨a − ā, b − b̄⟩ / (‖a − ā‖·‖b − b̄‖ + ε). */
function meanRowCorrelation(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const ca = tf.sub(a, tf.mean(a, -1, true));
  const cb = tf.sub(b, tf.mean(b, -1, true));
  const norms = tf.mul(safeSqrt(tf.sum(tf.square(ca), -1)), safeSqrt(tf.sum(tf.square(cb), -1)));
  return tf.mean(tf.div(tf.sum(tf.mul(ca, cb), -1), tf.add(norms, EPSILON)));
}

/**
 * DIST: distillation from a stronger teacher (Huang et al., NeurIPS 2022). Relations instead of exact
 * probabilities: with yˢ = softmax(s/τ), yᵗ = softmax(t/τ) and ρ the Pearson correlation,
 *
 *   inter = 1 − (1/N) Σᵢ ρ(yˢᵢ,:, yᵗᵢ,:),   intra = 1 − (1/C) Σ_c ρ(yˢ:,c, yᵗ:,c)
 *   L = τ²·(β·inter + γ·intra)
 *
 * A batch-level loss (intra correlates each class across the batch): returns a scalar; the only
 * common option is `validate`. The teacher is a constant (compute its logits outside the gradient scope).
 *
 * @param studentLogits float32 `[N, C]`.  @param teacherLogits float32 `[N, C]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2205.10536
 * @example const loss = distLoss(studentLogits, teacherLogits, { beta: 2, gamma: 2, temperature: 4 });
 */
export const distLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  DistLossOptions,
  { beta: number; gamma: number; temperature: number }
>({
  id: 'xent/dist',
  name: 'distLoss',
  family: 'distillation',
  summary: 'DIST: matches inter-class and intra-class Pearson correlations of softened predictions.',
  reference: {
    title: 'Knowledge Distillation from A Stronger Teacher',
    url: 'https://arxiv.org/abs/2205.10536',
    year: 2022,
    authors: 'Huang, You, Wang, Qian, Xu',
  },
  inputs,
  defaults: { beta: 1, gamma: 1, temperature: 1 },
  options: {
    beta: { type: 'number', min: 0, description: 'weight of the inter-class term' },
    gamma: { type: 'number', min: 0, description: 'weight of the intra-class term' },
    temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'softening temperature τ' },
  },
  batch: ({ studentLogits, teacherLogits }, { beta, gamma, temperature }) => {
    const ys = softmax(tf.div(studentLogits, temperature));
    const yt = softmax(tf.div(teacherLogits, temperature));
    const inter = tf.sub(1, meanRowCorrelation(ys, yt));
    const intra = tf.sub(1, meanRowCorrelation(tf.transpose(ys), tf.transpose(yt)));
    return tf.mul(tf.add(tf.mul(inter, beta), tf.mul(intra, gamma)), temperature * temperature);
  },
});
