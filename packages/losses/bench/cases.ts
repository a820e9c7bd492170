// The benchmark cases: one { name, fn } entry per loss, sorted by name. Part A and part B each append
// theirs; bench/forward-backward.ts times forward+backward of each against the baseline.
import * as tf from '@tensorflow/tfjs';
import * as losses from '../src/index.js';

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

const fast = { validate: false } as const;

export const cases: BenchCase[] = [
  {
    name: 'activePassiveLoss (NCE+RCE)',
    fn: (logits, { labels }) => losses.activePassiveLoss(logits, labels, fast) as tf.Scalar,
  },
  {
    name: 'asymmetricLoss',
    fn: (logits, { oneHot }) => losses.asymmetricLoss(logits, oneHot, fast) as tf.Scalar,
  },
  {
    name: '(context for ASL) tf.losses.sigmoidCrossEntropy, multi-label',
    fn: (logits, { oneHot }) => tf.losses.sigmoidCrossEntropy(oneHot, logits) as tf.Scalar,
  },
  {
    name: 'dualFocalLoss',
    fn: (logits, { labels }) => losses.dualFocalLoss(logits, labels, fast) as tf.Scalar,
  },
  {
    name: 'errorNormTruncation',
    fn: (logits, { labels }) => losses.errorNormTruncation(logits, labels, fast) as tf.Scalar,
  },
  { name: 'focalLoss', fn: (logits, { labels }) => losses.focalLoss(logits, labels, fast) as tf.Scalar },
  {
    name: 'logitClip(crossEntropyLoss)',
    fn: (logits, { labels }) => clippedCrossEntropy(logits, labels, fast) as tf.Scalar,
  },
  { name: 'maxSupLoss', fn: (logits, { labels }) => losses.maxSupLoss(logits, labels, fast) as tf.Scalar },
  {
    name: 'normalizedCrossEntropyLoss',
    fn: (logits, { labels }) => losses.normalizedCrossEntropyLoss(logits, labels, fast) as tf.Scalar,
  },
  { name: 'passAtNLoss', fn: (logits, { labels }) => losses.passAtNLoss(logits, labels, fast) as tf.Scalar },
  { name: 'polyLoss', fn: (logits, { labels }) => losses.polyLoss(logits, labels, fast) as tf.Scalar },
  {
    name: 'reverseCrossEntropyLoss',
    fn: (logits, { labels }) => losses.reverseCrossEntropyLoss(logits, labels, fast) as tf.Scalar,
  },
  {
    name: 'selfAdjustingDiceLoss',
    fn: (logits, { labels }) => losses.selfAdjustingDiceLoss(logits, labels, fast) as tf.Scalar,
  },
];

const clippedCrossEntropy = losses.logitClip(losses.crossEntropyLoss);
