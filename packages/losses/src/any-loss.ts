import * as tf from '@tensorflow/tfjs-core';
import { checkValueRange, defineLoss, safeSqrt } from '@xent/core';

/** The confusion-matrix metrics {@link anyLoss} turns into losses. */
export type AnyLossMetric = 'accuracy' | 'fBeta' | 'balancedAccuracy' | 'gMean';

/** Options for {@link anyLoss}. */
export interface AnyLossOptions {
  /** The metric to maximise (the loss is 1 − metric). @defaultValue 'fBeta' */
  readonly metric?: AnyLossMetric;
  /** β of F-β (1 = F1). @defaultValue 1 */
  readonly beta?: number;
  /** Amplifier L of A(p) = σ(L·(p − ½)). @defaultValue 73 */
  readonly amplifier?: number;
  /** Added to the denominators of F-β, balanced accuracy and G-mean (single-class batches). @defaultValue 1e-5 */
  readonly epsilon?: number;
  /** Check that labels lie in [0, 1] and inputs are finite. @defaultValue true */
  readonly validate?: boolean;
}

const inputs = [
  { name: 'logits', dtype: 'float32', shape: ['N'], description: 'binary logits (p = σ(logit))' },
  { name: 'labels', dtype: 'float32', shape: ['N'], description: 'binary labels in {0, 1} (or [0, 1])' },
] as const;

/**
 * AnyLoss (Han, Moniz, Chawla, KDD 2024): a binary confusion-matrix metric made differentiable and
 * used as a batch-level loss, 1 − metric.
 *
 *   ŷᵢ = A(pᵢ) = 1 / (1 + exp(−L·(pᵢ − ½))),   pᵢ = σ(logitᵢ)
 *   TP = Σ yŷ,  TN = Σ (1 − y)(1 − ŷ),  y₁ = Σ y,  y₀ = N − y₁
 *   accuracy = (TP + TN)/N   F-β = (1 + β²)·TP/(β²·y₁ + Σŷ)
 *   balanced accuracy = (y₀·TP + y₁·TN)/(2·y₁·y₀)   G-mean = √(TP·TN/(y₁·y₀))
 *
 * L = 73 is the authors' default. A batch of one class makes the last two undefined; `epsilon` keeps
 * them finite.
 *
 * @param logits float32 `[N]`.  @param labels float32 `[N]` in {0, 1}.
 * @returns a scalar (batch-level loss: no `reduction` or `weights`).
 * @see https://arxiv.org/abs/2405.14745
 * @example const loss = anyLoss(logits, labels, { metric: 'fBeta', beta: 1 });
 */
export const anyLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  AnyLossOptions,
  { metric: AnyLossMetric; beta: number; amplifier: number; epsilon: number }
>({
  id: 'xent/any-loss',
  name: 'anyLoss',
  family: 'classification',
  summary:
    'A binary confusion-matrix metric (accuracy, F-β, balanced accuracy, G-mean) as a differentiable loss.',
  reference: {
    title: 'AnyLoss: Transforming Classification Metrics into Loss Functions',
    url: 'https://arxiv.org/abs/2405.14745',
    year: 2024,
    authors: 'Han, Moniz, Chawla',
  },
  inputs,
  defaults: { metric: 'fBeta', beta: 1, amplifier: 73, epsilon: 1e-5 },
  options: {
    metric: {
      type: 'enum',
      values: ['accuracy', 'fBeta', 'balancedAccuracy', 'gMean'],
      description: 'metric to maximise',
    },
    beta: { type: 'number', min: 0, exclusiveMin: true, description: 'β of F-β' },
    amplifier: { type: 'number', min: 0, exclusiveMin: true, description: 'amplifier L' },
    epsilon: { type: 'number', min: 0, description: 'denominator smoothing' },
  },
  check: ({ labels }, _options, { fn, validate }) => {
    if (validate) checkValueRange(fn, 'labels', labels, 0, 1);
  },
  batch: ({ logits, labels }, { metric, beta, amplifier, epsilon }) => {
    const count = logits.shape[0]!;
    const amplified = tf.sigmoid(tf.mul(tf.sub(tf.sigmoid(logits), 0.5), amplifier));
    const truePositives = tf.sum(tf.mul(labels, amplified));
    const positives = tf.sum(labels);
    const negatives = tf.sub(count, positives);
    const predicted = tf.sum(amplified);
    // TN = Σ (1 − y)(1 − ŷ) = N − y₁ − Σŷ + TP
    const trueNegatives = tf.add(tf.sub(negatives, predicted), truePositives);
    const scores: Record<AnyLossMetric, () => tf.Tensor> = {
      accuracy: () => tf.div(tf.add(truePositives, trueNegatives), count),
      fBeta: () =>
        tf.div(
          tf.mul(truePositives, 1 + beta * beta),
          tf.add(tf.add(tf.mul(positives, beta * beta), predicted), epsilon),
        ),
      balancedAccuracy: () =>
        tf.div(
          tf.add(tf.mul(negatives, truePositives), tf.mul(positives, trueNegatives)),
          tf.add(tf.mul(tf.mul(positives, negatives), 2), epsilon),
        ),
      gMean: () =>
        safeSqrt(tf.div(tf.mul(truePositives, trueNegatives), tf.add(tf.mul(positives, negatives), epsilon))),
    };
    return tf.sub(1, scores[metric]());
  },
});
