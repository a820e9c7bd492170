import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';
import { type BinaryInputs, binaryInputs, checkSignLabels, hingeMargin } from './internal/binary.js';

/** Options for {@link squaredHingeLoss}. */
export type SquaredHingeLossOptions = ReductionOptions;

/**
 * Squared hinge loss, elementwise, as Keras 3's `squared_hinge`:
 *
 *   ℓ = max(0, 1 − y·x)²,   y ∈ {−1, 1}   (labels in {0, 1} are read as 0 → −1, 1 → 1)
 *
 * Differentiable everywhere (gradient −2y·max(0, 1 − y·x)). `'mean'` averages over every element.
 *
 * @param logits float32 `[...]`, any shape: raw scores x.
 * @param targets float32 of the same shape, values in {−1, 1} or {0, 1} (else `LABEL_OUT_OF_RANGE`).
 * @returns the shape of `logits` with `reduction: 'none'`, else a scalar.
 * @see https://keras.io/api/losses/hinge_losses/#squaredhinge-class
 * @example const loss = squaredHingeLoss(scores, [1, 0, 1]);
 */
export const squaredHingeLoss = /* @__PURE__ */ defineLoss<BinaryInputs, SquaredHingeLossOptions, object>({
  id: 'xent/squared-hinge',
  name: 'squaredHingeLoss',
  family: 'classification',
  summary: 'Squared binary hinge loss max(0, 1 − y·x)² per element, labels in {−1, 1} or {0, 1}.',
  reference: {
    title: 'Keras 3 squared_hinge',
    url: 'https://keras.io/api/losses/hinge_losses/#squaredhinge-class',
  },
  inputs: binaryInputs,
  leadingDims: 'flatten',
  defaults: {},
  check: checkSignLabels,
  perExample: ({ logits, targets }) => tf.square(hingeMargin(logits, targets)),
});
