import * as tf from '@tensorflow/tfjs-core';
import { XentError } from './errors.js';
import { describeTensor } from './tensor-input.js';

/** A dimension of a declared shape: a fixed size or a symbol such as `'N'` shared between inputs. */
export type Dim = number | string;

/** Symbol name → bound size and the argument it was first read from. */
export type DimBindings = Map<string, { readonly size: number; readonly from: string }>;

function formatShape(shape: readonly Dim[], bindings: DimBindings): string {
  const bound = shape
    .filter((d): d is string => typeof d === 'string' && bindings.has(d))
    .map((d) => `${d} = ${bindings.get(d)!.size} (from ${bindings.get(d)!.from})`);
  const text = `[${shape.join(', ')}]`;
  return bound.length > 0 ? `${text} with ${[...new Set(bound)].join(', ')}` : text;
}

/**
 * Checks `tensor` against a declared shape, binding symbolic dims in `bindings` (shared across the
 * arguments of one call). Throws `SHAPE_MISMATCH` naming the argument, the expected and received shape.
 */
export function checkShape(
  fn: string,
  argument: string,
  tensor: tf.Tensor,
  shape: readonly Dim[],
  bindings: DimBindings,
): void {
  const fail = () => {
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument,
      expected: `${tensor.dtype} ${formatShape(shape, bindings)}`,
      received: describeTensor(tensor),
    });
  };
  if (tensor.rank !== shape.length) fail();
  shape.forEach((dim, axis) => {
    const size = tensor.shape[axis]!;
    if (typeof dim === 'number') {
      if (size !== dim) fail();
      return;
    }
    const bound = bindings.get(dim);
    if (bound === undefined) bindings.set(dim, { size, from: argument });
    else if (bound.size !== size) fail();
  });
}

/** Throws `EMPTY_BATCH` when the batch dimension (axis 0) of `tensor` is 0. */
export function checkNonEmpty(fn: string, argument: string, tensor: tf.Tensor): void {
  if (tensor.rank > 0 && tensor.shape[0] === 0) {
    throw new XentError('EMPTY_BATCH', {
      fn,
      argument,
      expected: 'at least one example',
      received: describeTensor(tensor),
    });
  }
}

function flatIndexToPosition(shape: readonly number[], flat: number): string {
  const position: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis]!;
    position.unshift(flat % size);
    flat = Math.floor(flat / size);
  }
  return `[${position.join(', ')}]`;
}

/**
 * The tensor's values on the host, or `undefined` where the backend cannot read synchronously (tfjs's
 * WebGPU backend outside a browser: it needs `OffscreenCanvas`). Data checks are skipped there.
 */
export function readSyncIfPossible(tensor: tf.Tensor): ArrayLike<number> | undefined {
  try {
    return tensor.dataSync() as ArrayLike<number>;
  } catch (error) {
    if (
      tf.getBackend() === 'webgpu' &&
      typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined'
    ) {
      return undefined;
    }
    throw error;
  }
}

/** Throws `NON_FINITE_INPUT` on the first NaN or ±Infinity in a float tensor (reads the data). */
export function checkFinite(fn: string, argument: string, tensor: tf.Tensor): void {
  if (tensor.dtype !== 'float32') return;
  const data = readSyncIfPossible(tensor);
  if (data === undefined) return;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new XentError('NON_FINITE_INPUT', {
        fn,
        argument,
        expected: 'finite values',
        received: `${data[i]} at ${flatIndexToPosition(tensor.shape, i)}`,
      });
    }
  }
}

/**
 * Throws `LABEL_OUT_OF_RANGE` on the first class id outside `[0, numClasses)` that is not `ignoreIndex`.
 */
export function checkClassIds(
  fn: string,
  argument: string,
  ids: tf.Tensor,
  numClasses: number,
  ignoreIndex?: number,
): void {
  const data = readSyncIfPossible(ids);
  if (data === undefined) return;
  for (let i = 0; i < data.length; i++) {
    const id = data[i]!;
    if (id === ignoreIndex) continue;
    if (id < 0 || id >= numClasses) {
      throw new XentError('LABEL_OUT_OF_RANGE', {
        fn,
        argument,
        expected: `class ids in [0, ${numClasses})${ignoreIndex === undefined ? '' : ` or ignoreIndex ${ignoreIndex}`}`,
        received: `${id} at ${flatIndexToPosition(ids.shape, i)}`,
      });
    }
  }
}

/** Throws `NON_FINITE_INPUT` / `LABEL_OUT_OF_RANGE` unless every value is finite and within `[min, max]`. */
export function checkValueRange(
  fn: string,
  argument: string,
  tensor: tf.Tensor,
  min: number,
  max: number,
): void {
  checkFinite(fn, argument, tensor);
  const data = readSyncIfPossible(tensor);
  if (data === undefined) return;
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (value < min || value > max) {
      throw new XentError('LABEL_OUT_OF_RANGE', {
        fn,
        argument,
        expected: `values in [${min}, ${max}]`,
        received: `${value} at ${flatIndexToPosition(tensor.shape, i)}`,
      });
    }
  }
}
