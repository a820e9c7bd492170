import * as tf from '@tensorflow/tfjs-core';
import type { AnyLossFn } from './define-loss.js';
import { XentError } from './errors.js';
import type { LossOptions } from './loss-types.js';

/** The options {@link toLayersLoss} passes on: the loss's own, without `reduction` (always `'none'`). */
export type LayersLossOptions<F> = Omit<LossOptions<F>, 'reduction'>;

/**
 * Adapts a loss to tfjs-layers' `model.compile({ loss })`, which calls `loss(yTrue, yPred)`.
 * The adapted function returns per-example losses (`reduction: 'none'`), so Keras applies its
 * `sampleWeight` and the mean itself. tfjs-layers' `fit` requires targets shaped like the model's
 * output, so pass one-hot (or soft) targets `[N, C]`; called directly, float class ids `[N]` or
 * `[N, 1]` are cast to int32 ids. `options` is typed by the loss (`{ gama: 2 }` does not compile). Only losses whose inputs are
 * (prediction, labels) and that compute per-example values can be adapted.
 *
 * @example
 *   model.compile({ optimizer: 'adam', loss: toLayersLoss(focalLoss, { gamma: 2 }) });
 */
export function toLayersLoss<F extends AnyLossFn>(
  loss: F,
  options: LayersLossOptions<F> = {} as LayersLossOptions<F>,
): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  const spec = loss.spec;
  if (spec.inputs.length !== 2 || spec.batch) {
    throw new XentError('INVALID_OPTION', {
      fn: 'toLayersLoss',
      argument: 'loss',
      expected: 'a per-example loss of (prediction, labels)',
      received: `${spec.name} of (${spec.inputs.map((i) => i.name).join(', ')})${spec.batch ? ', batch-level' : ''}`,
    });
  }
  const expectsLabels = spec.inputs[1]!.dtype === 'labels';
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const last = (t: tf.Tensor) => t.shape[t.rank - 1];
      const sparse =
        yTrue.rank === yPred.rank - 1 ||
        (yTrue.rank === yPred.rank && last(yTrue) === 1 && last(yPred) !== 1);
      const target = expectsLabels && sparse ? tf.cast(tf.reshape(yTrue, [yTrue.shape[0]!]), 'int32') : yTrue;
      return loss(yPred, target, { ...options, reduction: 'none' });
    });
}
