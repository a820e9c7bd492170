import type * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  checkNonEmpty,
  checkShape,
  type DimBindings,
  type TensorInput,
  toTensor,
} from '@xent/core';

/**
 * Embeddings float32 `[B, D]` and class ids int32 `[B]` of a public helper, converted and checked:
 * `SHAPE_MISMATCH` (other ranks, lengths that differ, ragged arrays), `DTYPE_MISMATCH` (non-integer or
 * out-of-int32 ids), `EMPTY_BATCH` (B = 0) and, with `finite`, `NON_FINITE_INPUT`. Call it in a tidy
 * scope: converted arrays are new tensors.
 */
export function embeddingsAndLabels(
  fn: string,
  embeddings: TensorInput,
  labels: TensorInput,
  { names = ['embeddings', 'labels'], finite = true } = {} as {
    readonly names?: readonly [string, string];
    readonly finite?: boolean;
  },
): { readonly x: tf.Tensor; readonly y: tf.Tensor } {
  const [xName, yName] = names;
  const x = toTensor(embeddings, fn, xName, 'float32');
  const y = toTensor(labels, fn, yName, 'int32');
  const dims: DimBindings = new Map();
  checkShape(fn, xName, x, ['B', 'D'], dims);
  checkShape(fn, yName, y, ['B'], dims);
  checkNonEmpty(fn, xName, x);
  if (finite) checkFinite(fn, xName, x);
  return { x, y };
}
