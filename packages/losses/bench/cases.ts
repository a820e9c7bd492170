// The benchmark cases: one { name, fn } entry per loss, sorted by name. Part A and part B each append
// theirs; bench/forward-backward.ts times forward+backward of each against the baseline.
import * as tf from '@tensorflow/tfjs';

/** The inputs of one benchmark size; `oneHot` is built once, outside the timed region. */
export interface BenchInputs {
  readonly logits: tf.Tensor2D;
  readonly labels: tf.Tensor1D;
  readonly oneHot: tf.Tensor2D;
}

/** One benchmarked loss: a scalar loss of `logits` (the variable the gradient is taken with respect to). */
export interface BenchCase {
  readonly name: string;
  /** `'ce'` cases are held to the cross-entropy target (≤ 1.0× time, ≤ 0.5× peak bytes), others to ≤ 1.5× time. */
  readonly target?: 'ce';
  readonly fn: (logits: tf.Tensor2D, inputs: BenchInputs) => tf.Scalar;
}

/** The baseline every ratio is measured against: `tf.losses.softmaxCrossEntropy` on one-hot labels. */
export const baseline: BenchCase = {
  name: 'tf.losses.softmaxCrossEntropy (one-hot)',
  fn: (logits, { oneHot }) => tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar,
};

export const cases: BenchCase[] = [];
