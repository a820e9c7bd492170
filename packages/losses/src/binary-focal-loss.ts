import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, powNonNegative, type ReductionOptions } from '@xent/core';
import {
  type BinaryInputs,
  binaryInputs,
  checkProbabilities,
  checkTargets,
  logProbabilities,
  smoothBinary,
} from './internal/binary.js';

/** Options for {@link binaryFocalLoss}. */
export interface BinaryFocalLossOptions extends ReductionOptions {
  /** Focusing parameter γ ≥ 0; γ = 0 gives binary cross-entropy. @defaultValue 2 */
  readonly gamma?: number;
  /** Balance α ∈ [0, 1] of positives (used with `applyClassBalancing`). @defaultValue 0.25 */
  readonly alpha?: number;
  /** Weight each element by α (y = 1) or 1 − α (y = 0), as Keras's `apply_class_balancing`. @defaultValue false */
  readonly applyClassBalancing?: boolean;
  /** Label smoothing ε ∈ [0, 1] (Keras): y′ = y·(1 − ε) + ε/2. @defaultValue 0 */
  readonly labelSmoothing?: number;
  /** `false`: `logits` are probabilities in [0, 1], clipped to [1e-7, 1 − 1e-7]. @defaultValue true */
  readonly fromLogits?: boolean;
}

/**
 * Binary (sigmoid) focal loss, elementwise (Lin et al., ICCV 2017), with Keras 3's
 * `binary_focal_crossentropy` and optax's `sigmoid_focal_loss` semantics:
 *
 *   ℓ = a·(1 − p_t)^γ·BCE(x, y′),   p_t = y′·p + (1 − y′)·(1 − p),   p = σ(x)
 *   a = α·y′ + (1 − α)·(1 − y′) with `applyClassBalancing`, else 1;   y′ = y·(1 − ε) + ε/2
 *
 * BCE is taken from the logits (−y′ log p − (1 − y′) log(1 − p) with log p = −softplus(−x)), the
 * factor from p and 1 − p = σ(−x), and (1 − p_t)^γ with core's `powNonNegative` (finite gradient at
 * p_t = 1 for any γ). `'mean'` averages over every element (= Keras's mean over the last axis for
 * equal label counts). γ = 0 without balancing equals `binaryCrossEntropyLoss`.
 *
 * @param logits float32 `[...]`, any shape (probabilities with `fromLogits: false`).
 * @param targets float32 of the same shape in [0, 1].
 * @returns the shape of `logits` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1708.02002
 * @example const loss = binaryFocalLoss(logits, targets, { gamma: 2, alpha: 0.25, applyClassBalancing: true });
 */
export const binaryFocalLoss = /* @__PURE__ */ defineLoss<
  BinaryInputs,
  BinaryFocalLossOptions,
  { gamma: number; alpha: number; applyClassBalancing: boolean; labelSmoothing: number; fromLogits: boolean }
>({
  id: 'xent/binary-focal',
  name: 'binaryFocalLoss',
  family: 'classification',
  summary: 'Sigmoid focal loss per element: (1 − p_t)^γ·BCE, optional α balancing and label smoothing.',
  reference: {
    title: 'Focal Loss for Dense Object Detection',
    url: 'https://arxiv.org/abs/1708.02002',
    year: 2017,
    authors: 'Lin, Goyal, Girshick, He, Dollár',
  },
  inputs: binaryInputs,
  leadingDims: 'flatten',
  defaults: { gamma: 2, alpha: 0.25, applyClassBalancing: false, labelSmoothing: 0, fromLogits: true },
  options: {
    gamma: { type: 'number', min: 0, description: 'focusing parameter γ' },
    alpha: { type: 'number', min: 0, max: 1, description: 'balance α of positives' },
    applyClassBalancing: { type: 'boolean', description: 'weight by α / 1 − α' },
    labelSmoothing: { type: 'number', min: 0, max: 1, description: 'label smoothing ε (towards 1/2)' },
    fromLogits: { type: 'boolean', description: 'inputs are logits (else probabilities)' },
  },
  check: ({ logits, targets }, { fromLogits }, context) => {
    checkProbabilities(logits, fromLogits, context);
    checkTargets(targets, context);
  },
  perExample: ({ logits, targets }, options) => {
    const { gamma, alpha, applyClassBalancing, labelSmoothing, fromLogits } = options;
    const y = smoothBinary(targets, labelSmoothing);
    const { logP, logQ } = logProbabilities(logits, fromLogits);
    const notY = tf.sub(1, y);
    const bce = tf.neg(tf.add(tf.mul(y, logP), tf.mul(notY, logQ)));
    // 1 − p_t = y′·(1 − p) + (1 − y′)·p
    const miss = tf.add(tf.mul(y, tf.exp(logQ)), tf.mul(notY, tf.exp(logP)));
    const focal = gamma === 0 ? bce : tf.mul(powNonNegative(miss, gamma), bce);
    if (!applyClassBalancing) return focal;
    return tf.mul(tf.add(tf.mul(y, alpha), tf.mul(notY, 1 - alpha)), focal);
  },
});
