import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/** Options of {@link logSumExp}. */
export interface LogSumExpOptions {
  /** Axis to reduce. @defaultValue -1 */
  readonly axis?: number;
  /** Keep the reduced axis with size 1. @defaultValue false */
  readonly keepDims?: boolean;
  /** Boolean (or 0/1) mask broadcastable to `x`: only entries where it is true take part. */
  readonly mask?: tf.Tensor;
}

/**
 * Numerically stable log Σ exp(xᵢ) along an axis, optionally over a mask.
 *
 *   lse(x) = m + log Σᵢ exp(xᵢ − m),  m = maxᵢ xᵢ
 *
 * A row whose mask selects nothing (or only −∞) gives −∞ with a zero gradient (never NaN). The gradient is
 * softmax(x) on the selected entries and 0 elsewhere.
 */
export function logSumExp(x: tf.Tensor, options: LogSumExpOptions = {}): tf.Tensor {
  const axis = normalizeAxis(options.axis ?? -1, x.rank);
  const keepDims = options.keepDims ?? false;
  if (options.mask === undefined) return tf.logSumExp(x, axis, keepDims);
  const maskFloat = tf.tidy(() => tf.broadcastTo(tf.cast(options.mask!, 'float32'), x.shape));
  const masked = customGradient<[tf.Tensor, tf.Tensor]>(([input, mask], save) => {
    const result = tf.tidy(() => {
      const selected = tf.greater(mask, 0);
      const filled = tf.where(selected, input, tf.fill(input.shape, -Infinity));
      const rowMax = tf.max(filled, axis, true);
      const safeMax = tf.where(tf.isFinite(rowMax), rowMax, tf.zerosLike(rowMax));
      // exp of the −∞-filled values: a masked entry far above the selected ones must not overflow.
      const sum = tf.sum(tf.mul(tf.exp(tf.sub(filled, safeMax)), mask), axis, true);
      // Explicit −∞ for empty rows and rows whose selected entries are all −∞: some backends (WebGPU)
      // flush log(0) to about −88.
      const empty = tf.equal(rowMax, -Infinity);
      return tf.where(empty, tf.fill(sum.shape, -Infinity), tf.add(tf.log(sum), safeMax));
    });
    save([input, mask, result]);
    return {
      value: keepDims ? tf.clone(result) : tf.squeeze(result, [axis]),
      gradFunc: (dy, saved) => {
        const [savedInput, savedMask, lse] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dyKept = keepDims ? dy : tf.expandDims(dy, axis);
        const finite = tf.isFinite(lse);
        const safeLse = tf.where(finite, lse, tf.zerosLike(lse));
        const filled = tf.where(tf.greater(savedMask, 0), savedInput, tf.fill(savedInput.shape, -Infinity));
        const weights = tf.mul(tf.exp(tf.sub(filled, safeLse)), savedMask);
        // Expand the row flag by a broadcasting add (tfjs-wasm's Tile, behind broadcastTo, is slow).
        const rowFinite = tf.cast(tf.add(tf.zeros(savedInput.shape), tf.cast(finite, 'float32')), 'bool');
        const gated = tf.where(rowFinite, weights, tf.zerosLike(weights));
        return [tf.mul(dyKept, gated), tf.zerosLike(savedMask)];
      },
    };
  });
  const out = masked(x, maskFloat);
  maskFloat.dispose();
  return out;
}

/** Maps a possibly negative axis into `[0, rank)`. */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
