import type * as tf from '@tensorflow/tfjs-core';
import type { Reducer } from '@xent/core';
import type { FilterReducer, WeightedLossPart } from '../reducers/threshold-reducer.js';

/** A host route for a filter reducer (`applyReducer`). */
export type FilterReduceRoute = (
  reducer: FilterReducer,
  parts: readonly WeightedLossPart[],
) => tf.Tensor | undefined;

/** A host route for the contrastive loss from its `[B, M]` matrix and pair multiplicities (`undefined` for other reducers). */
export type ContrastiveRoute = (
  matrix: tf.Tensor,
  pos: tf.Tensor,
  neg: tf.Tensor,
  margins: { readonly posMargin: number; readonly negMargin: number },
  isInverted: boolean,
  reducer: Reducer,
) => tf.Tensor | undefined;

/**
 * Optional host routes (one pass on the host with a closed-form gradient) that the losses consult before
 * their device ops; each returns `undefined` to fall back. Unset by default, so their code stays out of
 * every pair loss's bundle: the wrappers that gain from them (`crossBatchMemory`, whose `[B, M]` parts
 * dominate its cost) install them for the duration of their own call (`withHostRoutes`).
 */
export const hostHooks: {
  reduce?: FilterReduceRoute | undefined;
  contrastive?: ContrastiveRoute | undefined;
} = {};
