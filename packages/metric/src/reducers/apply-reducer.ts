import * as tf from '@tensorflow/tfjs-core';
import { gatherRowsSparse, type LossPart, type Reducer, readSyncIfPossible, XentError } from '@xent/core';
import { hostHooks } from '../internal/host-hooks.js';
import { isStructuredReducer } from './structured-reducers.js';
import { isFilterReducer, type WeightedLossPart } from './threshold-reducer.js';

/**
 * Expands a weighted part into a plain list of losses (each element repeated by its integer weight),
 * for reducers from outside this package. Reads the weights on the host (not on WebGPU).
 */
function compactPart(fn: string, name: string, part: WeightedLossPart): LossPart {
  if (!part.weights || part.kind === 'reduced') return { losses: part.losses, kind: part.kind };
  const weights = readSyncIfPossible(part.weights);
  if (!weights) {
    throw new XentError('INVALID_OPTION', {
      fn,
      argument: 'options.reducer',
      expected: "one of this package's reducers on a backend without synchronous reads",
      received: `the custom reducer '${name}'`,
    });
  }
  const index: number[] = [];
  Array.from(weights).forEach((w, i) => {
    for (let k = 0; k < Math.round(w); k++) index.push(i);
  });
  const flat = tf.reshape(part.losses, [-1]);
  return { losses: gatherRowsSparse(flat, tf.tensor1d(index, 'int32')), kind: part.kind };
}

/**
 * Reduces loss parts with `reducer`, honouring multiplicities for this package's reducers; `labels`
 * (the batch's) serve the reducers that weight by the anchor's class.
 */
export function applyReducer(
  fn: string,
  reducer: Reducer,
  parts: readonly WeightedLossPart[],
  labels?: tf.Tensor,
): tf.Tensor {
  if (isFilterReducer(reducer)) return hostHooks.reduce?.(reducer, parts) ?? reducer.reduce(parts);
  if (isStructuredReducer(reducer)) return reducer.reduceParts(fn, parts, labels);
  return tf.reshape(reducer.reduce(parts.map((part) => compactPart(fn, reducer.name, part))), []);
}
