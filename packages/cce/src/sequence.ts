import { invalidOption } from '@xent/core';
import * as tf from './tf.js';

/**
 * How a call's leading dims `[…, T]` map onto the engine's `M = Π leading` rows, and the `shift` k
 * along the last leading dim (the sequence). Shifting moves the *targets* (and weights) k positions
 * back and fills the last k of every sequence with `ignoreIndex`, so the engine runs on the whole,
 * uncopied `[M, D]` embeddings; only `[M]`-sized vectors are sliced.
 */
export interface SequenceLayout {
  /** The targets' shape `[…, T]`. */
  readonly leading: readonly number[];
  /** M: the number of rows the engine sees. */
  readonly rows: number;
  /** T: positions per sequence (the last leading dim). */
  readonly length: number;
  /** k: positions predicted ahead. */
  readonly shift: number;
}

/** The layout of leading dims `[…, T]` under `shift` k; `INVALID_OPTION` unless `k < T`. */
export function sequenceLayout(fn: string, leading: readonly number[], shift: number): SequenceLayout {
  const length = leading[leading.length - 1]!;
  const rows = leading.reduce((a, b) => a * b, 1);
  if (shift > 0 && shift >= length) {
    invalidOption(fn, 'shift', `an integer in [0, ${length}) (T: the last leading dim)`, shift);
  }
  return { leading, rows, length, shift };
}

/**
 * Per-position values `[M]` moved `k` positions back along each sequence: out[…, t] = x[…, t + k] for
 * t < T − k, `fill` in the last k positions. `x` itself when k = 0.
 */
export function shiftBack(x: tf.Tensor, layout: SequenceLayout, fill: number): tf.Tensor {
  const { rows, length: t, shift: k } = layout;
  if (k === 0) return x;
  return tf.tidy(() => {
    const sequences = rows / t;
    const grid = tf.reshape(x, [sequences, t]);
    return tf.reshape(
      tf.pad(
        tf.slice(grid, [0, k], [sequences, t - k]),
        [
          [0, 0],
          [0, k],
        ],
        fill,
      ),
      [rows],
    );
  });
}

/**
 * Per-position values `[M]` as the caller's per-token output `[…, T − k]`: the last k positions of
 * every sequence (which predicted nothing) dropped.
 */
export function perToken(x: tf.Tensor, layout: SequenceLayout): tf.Tensor {
  const { leading, length: t, shift: k } = layout;
  return tf.reshape(tf.slice(tf.reshape(x, [-1, t]), 0, [-1, t - k]), [...leading.slice(0, -1), t - k]);
}
