// The benchmark cases: one { name, fn } entry per loss, sorted by name. Part A and part B each append
// theirs; bench/forward-backward.ts times forward+backward of each against the baseline.
import * as tf from '@tensorflow/tfjs';
import { oneHot } from '@xent/core';
import * as losses from '../src/index.js';

/** The inputs of one benchmark size; `oneHot` is built once, outside the timed region. */
export interface BenchInputs {
  readonly logits: tf.Tensor2D;
  /** int32 class ids `[N]`. */
  readonly labels: tf.Tensor1D;
  /** float32 one-hot rows `[N, C]` of `labels`. */
  readonly oneHot: tf.Tensor2D;
  /** int32 `0 … N − 1`, for losses with per-example state. */
  readonly indices: tf.Tensor1D;
}

/** One benchmarked loss: a scalar loss of `logits` (the variable the gradient is taken with respect to). */
export interface BenchCase {
  readonly name: string;
  /** `'ce'` cases are held to the cross-entropy target (≤ 1.0× time, ≤ 0.5× peak bytes), others to ≤ 1.5× time. */
  readonly target?: 'ce';
  readonly fn: (logits: tf.Tensor, inputs: BenchInputs) => tf.Tensor;
}

/** The baseline every ratio is measured against: `tf.losses.softmaxCrossEntropy` on one-hot labels. */
export const baseline: BenchCase = {
  name: 'tf.losses.softmaxCrossEntropy (one-hot given)',
  fn: (logits, { oneHot: targets }) => tf.losses.softmaxCrossEntropy(targets, logits),
};

/** A second reference row: the same, with the one-hot built from int labels inside the timed region. */
export const baselineWithOneHot: BenchCase = {
  name: 'tf.losses.softmaxCrossEntropy + oneHot(labels)',
  fn: (logits, { labels }) => tf.losses.softmaxCrossEntropy(oneHot(labels, logits.shape[1]!), logits),
};

const hot = { validate: false } as const;
const aldrStates = new Map<number, losses.AldrKlState>();

export const cases: BenchCase[] = [
  {
    name: 'aldrKlLoss',
    fn: (logits, { labels, indices }) => {
      const n = logits.shape[0]!;
      if (!aldrStates.has(n)) aldrStates.set(n, losses.createAldrKlState(n));
      return losses.aldrKlLoss(logits, labels, { ...hot, state: aldrStates.get(n)!, indices });
    },
  },
  {
    name: 'compSumLoss τ=0.5',
    fn: (logits, { labels }) => losses.compSumLoss(logits, labels, { ...hot, tau: 0.5 }),
  },
  {
    name: 'crossEntropyLoss (int labels)',
    target: 'ce',
    fn: (logits, { labels }) => losses.crossEntropyLoss(logits, labels, hot),
  },
  {
    name: 'crossEntropyLoss (int labels, validate on)',
    target: 'ce',
    fn: (logits, { labels }) => losses.crossEntropyLoss(logits, labels),
  },
  {
    name: 'crossEntropyLoss (ε=0.1, λz=1e-4)',
    fn: (logits, { labels }) =>
      losses.crossEntropyLoss(logits, labels, { ...hot, labelSmoothing: 0.1, logZPenalty: 1e-4 }),
  },
  { name: 'gceLoss q=0.7', fn: (logits, { labels }) => losses.gceLoss(logits, labels, hot) },
  { name: 'ldrKlLoss', fn: (logits, { labels }) => losses.ldrKlLoss(logits, labels, hot) },
  { name: 'maeLoss', fn: (logits, { labels }) => losses.maeLoss(logits, labels, hot) },
  { name: 'squentropyLoss', fn: (logits, { labels }) => losses.squentropyLoss(logits, labels, hot) },
  { name: 'zLoss', fn: (logits, { labels }) => losses.zLoss(logits, labels, hot) },
  {
    name: 'activePassiveLoss (NCE+RCE)',
    fn: (logits, { labels }) => losses.activePassiveLoss(logits, labels, hot),
  },
  {
    name: 'asymmetricLoss (one-hot as multi-hot)',
    fn: (logits, { oneHot: targets }) => losses.asymmetricLoss(logits, targets, hot),
  },
  {
    name: 'asymmetricLoss context: tf.losses.sigmoidCrossEntropy',
    fn: (logits, { oneHot: targets }) => tf.losses.sigmoidCrossEntropy(targets, logits),
  },
  { name: 'dualFocalLoss', fn: (logits, { labels }) => losses.dualFocalLoss(logits, labels, hot) },
  {
    name: 'errorNormTruncation',
    fn: (logits, { labels }) => losses.errorNormTruncation(logits, labels, hot),
  },
  { name: 'focalLoss γ=2', fn: (logits, { labels }) => losses.focalLoss(logits, labels, hot) },
  {
    name: 'logitClip(crossEntropyLoss)',
    fn: (logits, { labels }) => clippedCrossEntropy(logits, labels, hot),
  },
  { name: 'maxSupLoss', fn: (logits, { labels }) => losses.maxSupLoss(logits, labels, hot) },
  {
    name: 'normalizedCrossEntropyLoss',
    fn: (logits, { labels }) => losses.normalizedCrossEntropyLoss(logits, labels, hot),
  },
  { name: 'passAtNLoss N=4', fn: (logits, { labels }) => losses.passAtNLoss(logits, labels, hot) },
  { name: 'polyLoss ε=2', fn: (logits, { labels }) => losses.polyLoss(logits, labels, hot) },
  {
    name: 'reverseCrossEntropyLoss',
    fn: (logits, { labels }) => losses.reverseCrossEntropyLoss(logits, labels, hot),
  },
  {
    name: 'selfAdjustingDiceLoss',
    fn: (logits, { labels }) => losses.selfAdjustingDiceLoss(logits, labels, hot),
  },
];

const clippedCrossEntropy = losses.logitClip(losses.crossEntropyLoss);
