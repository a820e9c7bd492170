import * as tf from '@tensorflow/tfjs-core';
import type { AnyLossFn } from './define-loss.js';
import { XentError } from './errors.js';
import type { LossOptions } from './loss-types.js';

/** The options {@link toLayersLoss} passes on: the loss's own, without `reduction` (always `'none'`). */
export type LayersLossOptions<F> = Omit<LossOptions<F>, 'reduction'>;

/** Marks adapters whose loss takes class ids, for {@link allowSparseTargets}. */
const SPARSE_LABELS = Symbol.for('xent.layers.sparseLabels');

/**
 * Adapts a loss to tfjs-layers' `model.compile({ loss })`, which calls `loss(yTrue, yPred)`.
 * The adapted function returns per-example losses (`reduction: 'none'`), so Keras applies its
 * `sampleWeight` and the mean itself. Targets may be one-hot (or soft) `[N, C]`, or — for losses
 * with a labels input — sparse class ids `[N, 1]` or `[N]` (floats, as tfjs-layers feeds them; cast
 * to int32), also with leading dims (`[B, T, 1]` for `[B, T, C]` outputs). `fit` checks targets
 * against the output's shape and skips that only for its own `'sparseCategoricalCrossentropy'`:
 * call {@link allowSparseTargets}`(model)` after `compile` to feed sparse ids to `fit`. `options` is
 * typed by the loss (`{ gama: 2 }` does not compile). Only losses
 * whose inputs are (prediction, labels) and that compute per-example values can be adapted.
 *
 * @example
 *   model.compile({ optimizer: 'adam', loss: toLayersLoss(crossEntropyLoss, { labelSmoothing: 0.1 }) });
 *   allowSparseTargets(model); // then model.fit(x, ids [N, 1])
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
  const adapter = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
    tf.tidy(() => {
      const last = (t: tf.Tensor) => t.shape[t.rank - 1];
      const trailingOne = yTrue.rank === yPred.rank && last(yTrue) === 1 && last(yPred) !== 1;
      const sparse = yTrue.rank === yPred.rank - 1 || trailingOne;
      const ids = trailingOne ? tf.reshape(yTrue, yTrue.shape.slice(0, -1)) : yTrue;
      const target = expectsLabels && sparse ? tf.cast(ids, 'int32') : yTrue;
      return loss(yPred, target, { ...options, reduction: 'none' });
    });
  return expectsLabels ? Object.assign(adapter, { [SPARSE_LABELS]: true }) : adapter;
}

/**
 * Lets `model.fit` take sparse class ids `[N, 1]` (float or int) for every output compiled with a
 * {@link toLayersLoss} adapter of a loss with labels: tfjs-layers compares targets with the output's
 * shape `[N, C]` and relaxes that only for its own sparse loss (an identity check), so no adapter can
 * pass it from `compile` alone. This sets those outputs' expected target shape to `[..., 1]`, as
 * tfjs-layers does for `'sparseCategoricalCrossentropy'`; one-hot targets are then refused for them.
 * It writes a private field of tfjs-layers' `LayersModel` (checked with tfjs-layers 4.22) and throws
 * `INVALID_OPTION` when the model does not have it (not compiled, or another version).
 *
 * @param model a tfjs-layers `LayersModel` (or `tf.Sequential`), after `compile`.
 * @returns the number of outputs switched to sparse targets.
 * @example
 *   model.compile({ optimizer: 'adam', loss: toLayersLoss(crossEntropyLoss) });
 *   allowSparseTargets(model);
 *   await model.fit(x, tf.tensor2d(ids, [ids.length, 1]), { epochs: 5 });
 */
export function allowSparseTargets(model: object): number {
  type Fields = { feedOutputShapes?: unknown; feedLossFns?: unknown; model?: unknown };
  // A tf.Sequential delegates fit to the LayersModel it holds in `.model`.
  const outer = model as Fields;
  const fields = (outer.feedOutputShapes === undefined && outer.model ? outer.model : model) as Fields;
  const shapes = fields.feedOutputShapes;
  const lossFns = fields.feedLossFns;
  if (!Array.isArray(shapes) || !Array.isArray(lossFns) || shapes.length !== lossFns.length) {
    throw new XentError('INVALID_OPTION', {
      fn: 'allowSparseTargets',
      argument: 'model',
      expected: 'a tfjs-layers LayersModel after compile (4.x: feedOutputShapes and feedLossFns)',
      received: model?.constructor?.name ?? typeof model,
    });
  }
  let switched = 0;
  lossFns.forEach((fn, i) => {
    const shape = shapes[i] as (number | null)[] | null;
    if (typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[SPARSE_LABELS] && shape) {
      shapes[i] = [...shape.slice(0, -1), 1];
      switched++;
    }
  });
  return switched;
}
