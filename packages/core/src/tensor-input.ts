import * as tf from '@tensorflow/tfjs-core';
import { XentError } from './errors.js';
import { firstNonInt32, readTensorLike } from './tensor-like.js';

/** Anything a loss accepts as a tensor argument: a tensor, nested arrays or a typed array. */
export type TensorInput = tf.Tensor | tf.TensorLike;

/** The dtypes a loss input may declare. */
export type InputDType = 'float32' | 'int32' | 'bool';

/** `float32 [4, 3]`: how tensors are described in error messages. */
export function describeTensor(tensor: tf.Tensor): string {
  return `${tensor.dtype} [${tensor.shape.join(', ')}]`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a ragged or non-numeric array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/**
 * Converts a {@link TensorInput} to a tensor of the expected dtype (`undefined`: keep or infer).
 * Nested arrays must be rectangular (`SHAPE_MISMATCH`, on every backend). Arrays for an `int32` input
 * must hold integers within int32 (`DTYPE_MISMATCH`; converted exactly, never through float32). Throws `DTYPE_MISMATCH` naming `fn` and `argument`
 * when a tensor has another dtype, and `SHAPE_MISMATCH` when the value is not tensor-like.
 */
export function toTensor(value: TensorInput, fn: string, argument: string, dtype?: InputDType): tf.Tensor {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) {
      throw new XentError('INVALID_OPTION', {
        fn,
        argument,
        expected: 'a live tensor',
        received: 'a disposed tensor',
      });
    }
    if (dtype !== undefined && value.dtype !== dtype) {
      throw new XentError('DTYPE_MISMATCH', {
        fn,
        argument,
        expected: dtype,
        received: describeTensor(value),
      });
    }
    return value;
  }
  const read = readTensorLike(value);
  if (read === undefined) {
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument,
      expected: 'a tensor, a typed array or rectangular nested arrays of numbers',
      received: describeValue(value),
    });
  }
  if (dtype === 'int32') {
    // Checked and converted from the JS numbers, exactly: never through float32, never wrapped.
    const bad = firstNonInt32(read.values);
    if (bad >= 0) {
      throw new XentError('DTYPE_MISMATCH', {
        fn,
        argument,
        expected: 'int32 (integer values in [−2³¹, 2³¹ − 1])',
        received: `${read.values[bad]} at flat index ${bad}`,
      });
    }
    return tf.tensor(Int32Array.from(read.values), read.shape, 'int32');
  }
  try {
    return tf.tensor(value as tf.TensorLike, read.shape, dtype);
  } catch {
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument,
      expected: 'a tensor, a typed array or rectangular nested arrays of numbers',
      received: describeValue(value),
    });
  }
}

/** Shape of a TensorInput without converting it (`undefined` when it cannot be inferred). */
export function inferShape(value: TensorInput): number[] | undefined {
  if (value instanceof tf.Tensor) return value.shape;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return [];
  if (ArrayBuffer.isView(value)) return [(value as unknown as ArrayLike<number>).length];
  if (!Array.isArray(value)) return undefined;
  if (value.length === 0) return [0];
  const inner = inferShape(value[0] as TensorInput);
  return inner === undefined ? undefined : [value.length, ...inner];
}
