import * as tf from '@tensorflow/tfjs-core';
import { XentError } from './errors.js';
import { describeTensor } from './tensor-input.js';
import type { Dim } from './validate.js';

/**
 * Leading dims of a call to a loss whose rows are independent (`LossSpec.leadingDims: 'flatten'`):
 * the declared batch dim (axis 0 of the first input, `'N'`) stands for one or more leading dims
 * `[...]` — `[B, T]` for a sequence, `[N, H, W]` for a segmentation map. Core flattens them to
 * `M = B·T·…` rows before the loss's formula and restores them on the per-example output.
 */
export interface LeadingDims {
  /** The batch symbol of the spec (`'N'`). */
  readonly symbol: string;
  /** The leading shape, `[N]` for a plain batch, `[B, T]` for a sequence. */
  readonly shape: readonly number[];
  /** Their product M, the number of rows the loss's formula sees. */
  readonly rows: number;
}

/**
 * Reads the leading shape from the first input: its rank minus the declared rank, plus one, leading
 * dims (at least the declared batch dim). Returns `undefined` when the tensor's rank is below the
 * declared one (core's shape check then reports it).
 */
export function readLeadingDims(tensor: tf.Tensor, declared: readonly Dim[]): LeadingDims | undefined {
  const symbol = declared[0];
  const count = tensor.rank - declared.length + 1;
  if (typeof symbol !== 'string' || count < 1) return undefined;
  const shape = tensor.shape.slice(0, count);
  return { symbol, shape, rows: shape.reduce((a, b) => a * b, 1) };
}

/**
 * The shape an input declared `[N, …rest]` must have under leading dims `[d₀, …, d_k]`:
 * `[d₀, …, d_k, …rest]` (numbers, so core's shape check names them). Other declarations are returned
 * unchanged.
 */
export function withLeadingDims(declared: readonly Dim[], leading: LeadingDims): readonly Dim[] {
  if (declared[0] !== leading.symbol || leading.shape.length === 1) return declared;
  return [...leading.shape, ...declared.slice(1)];
}

/** `[d₀, …, d_k, …rest]` → `[M, …rest]`. */
export function flattenLeading(tensor: tf.Tensor, leading: LeadingDims): tf.Tensor {
  return tf.reshape(tensor, [leading.rows, ...tensor.shape.slice(leading.shape.length)]);
}

/**
 * Per-example weights for leading dims `[d₀, …, d_k]`: the full leading shape, or any prefix of it
 * (`[B]` for `[B, T]`: one weight per sequence, broadcast over its tokens). Returns them flattened to
 * `[M]`; throws `SHAPE_MISMATCH` for any other shape.
 */
export function flattenWeights(fn: string, weights: tf.Tensor, leading: LeadingDims): tf.Tensor {
  const prefix = weights.rank >= 1 && weights.rank <= leading.shape.length;
  if (!prefix || !weights.shape.every((d, axis) => d === leading.shape[axis])) {
    const full = `[${leading.shape.join(', ')}]`;
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument: 'options.weights',
      expected:
        leading.shape.length === 1
          ? `float32 [N] with N = ${leading.rows}`
          : `float32 ${full} or a prefix of it, e.g. [${leading.shape[0]}] (broadcast over the trailing leading dims)`,
      received: describeTensor(weights),
    });
  }
  if (weights.rank === leading.shape.length) return tf.reshape(weights, [leading.rows]);
  const padded = tf.reshape(weights, [
    ...weights.shape,
    ...new Array<number>(leading.shape.length - weights.rank).fill(1),
  ]);
  return tf.reshape(tf.broadcastTo(padded, [...leading.shape]), [leading.rows]);
}
