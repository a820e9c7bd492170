import { defineLoss, type ReductionOptions } from '@xent/core';
import { type BinaryInputs, binaryInputs, checkSignLabels, hingeMargin } from './internal/binary.js';

/** Options for {@link hingeLoss}. */
export type HingeLossOptions = ReductionOptions;

/**
 * Hinge loss for binary (or multi-label) scores, elementwise, as Keras 3's `hinge` and optax's
 * `hinge_loss`:
 *
 *   ℓ = max(0, 1 − y·x),   y ∈ {−1, 1}   (labels in {0, 1} are read as 0 → −1, 1 → 1)
 *
 * Keras converts {0, 1} labels only when a whole batch is 0/1; here 0 always means the negative class,
 * so a batch mixing −1, 0 and 1 has one reading. `'mean'` averages over every element (= Keras's mean
 * over the last axis). The gradient is −y where the margin is violated (1 − y·x > 0), else 0
 * (0 at the kink).
 *
 * @param logits float32 `[...]`, any shape: raw scores x.
 * @param targets float32 of the same shape, values in {−1, 1} or {0, 1} (else `LABEL_OUT_OF_RANGE`).
 * @returns the shape of `logits` with `reduction: 'none'`, else a scalar.
 * @see https://keras.io/api/losses/hinge_losses/#hinge-function
 * @example const loss = hingeLoss(scores, [1, -1, 1]);
 */
export const hingeLoss = /* @__PURE__ */ defineLoss<BinaryInputs, HingeLossOptions, object>({
  id: 'xent/hinge',
  name: 'hingeLoss',
  family: 'classification',
  summary: 'Binary hinge loss max(0, 1 − y·x) per element, labels in {−1, 1} or {0, 1}.',
  reference: {
    title: 'Keras 3 hinge / optax hinge_loss',
    url: 'https://keras.io/api/losses/hinge_losses/#hinge-function',
  },
  inputs: binaryInputs,
  leadingDims: 'flatten',
  defaults: {},
  check: checkSignLabels,
  perExample: ({ logits, targets }) => hingeMargin(logits, targets),
});
