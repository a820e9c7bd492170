import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';
import {
  type BinaryInputs,
  binaryInputs,
  checkPerLabel,
  checkProbabilities,
  checkTargets,
  logProbabilities,
  perLabel,
  smoothBinary,
} from './internal/binary.js';

/** Options for {@link binaryCrossEntropyLoss}. */
export interface BinaryCrossEntropyLossOptions extends ReductionOptions {
  /** Label smoothing ε ∈ [0, 1] (Keras): targets become y·(1 − ε) + ε/2. @defaultValue 0 */
  readonly labelSmoothing?: number;
  /**
   * Weight of the positive term (PyTorch's `pos_weight`): a number > 0 or one per label (the last dim),
   * e.g. negatives/positives of each label. @defaultValue 1
   */
  readonly posWeight?: number | readonly number[];
  /**
   * `true`: `logits` are logits x, p = σ(x). `false`: they are probabilities p ∈ [0, 1], clipped to
   * [1e-7, 1 − 1e-7] before the log (Keras). @defaultValue true
   */
  readonly fromLogits?: boolean;
}

/**
 * Binary (sigmoid) cross-entropy, elementwise: every element is one binary decision, so `[N]` is a
 * binary classifier and `[N, L]` a multi-label one.
 *
 *   ℓ = −[ w₊·y′·log p + (1 − y′)·log(1 − p) ],   p = σ(x),   y′ = y·(1 − ε) + ε/2
 *
 * From logits, log p = −softplus(−x) and log(1 − p) = −softplus(x) (exact for any |x|); from
 * probabilities, p is clipped to [1e-7, 1 − 1e-7] (Keras 3's `binary_crossentropy`). `'mean'` averages
 * over every element (= Keras's mean over the last axis, then over the batch; = PyTorch's
 * `BCEWithLogitsLoss`). All targets 0 or 1 with matching confident logits gives ≈ 0; a fully zero
 * `weights` gives 0 with a zero gradient.
 *
 * @param logits float32 `[...]`, any shape (probabilities with `fromLogits: false`).
 * @param targets float32 of the same shape, in [0, 1] (soft targets allowed).
 * @returns the shape of `logits` with `reduction: 'none'`, else a scalar. `weights`: the full shape,
 *   or a prefix such as `[N]` (broadcast over the labels).
 * @see https://keras.io/api/losses/probabilistic_losses/#binarycrossentropy-class
 * @example const loss = binaryCrossEntropyLoss(logits, multiHot, { posWeight: [3, 1, 9] });
 */
export const binaryCrossEntropyLoss = /* @__PURE__ */ defineLoss<
  BinaryInputs,
  BinaryCrossEntropyLossOptions,
  { labelSmoothing: number; fromLogits: boolean }
>({
  id: 'xent/binary-cross-entropy',
  name: 'binaryCrossEntropyLoss',
  family: 'classification',
  summary: 'Sigmoid cross-entropy per element (binary and multi-label), with pos_weight and label smoothing.',
  reference: {
    title: 'Keras 3 binary_crossentropy / PyTorch BCEWithLogitsLoss',
    url: 'https://keras.io/api/losses/probabilistic_losses/#binarycrossentropy-class',
  },
  inputs: binaryInputs,
  leadingDims: 'flatten',
  defaults: { labelSmoothing: 0, fromLogits: true },
  options: {
    labelSmoothing: { type: 'number', min: 0, max: 1, description: 'label smoothing ε (towards 1/2)' },
    posWeight: { type: 'other', description: 'weight of the positive term: a number or one per label' },
    fromLogits: { type: 'boolean', description: 'inputs are logits (else probabilities)' },
  },
  check: ({ logits, targets }, { posWeight, fromLogits }, context) => {
    checkPerLabel(context.fn, 'posWeight', posWeight, false);
    checkProbabilities(logits, fromLogits, context);
    checkTargets(targets, context);
  },
  perExample: ({ logits, targets }, { labelSmoothing, posWeight, fromLogits }, context) => {
    const y = smoothBinary(targets, labelSmoothing);
    const { logP, logQ } = logProbabilities(logits, fromLogits);
    const weight = perLabel(posWeight, 'posWeight', context, logits.shape[0]!);
    const positive = weight === undefined ? tf.mul(y, logP) : tf.mul(tf.mul(y, weight), logP);
    return tf.neg(tf.add(positive, tf.mul(tf.sub(1, y), logQ)));
  },
});
