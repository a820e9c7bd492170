import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from '@xent/core';

/**
 * Soft histograms with the triangular kernel [1 − |u − l|]₊ at the integer centres l = 0 … L of
 * positions u ∈ [0, L] (`[N, M]`), in two channels: entries of the 0/1 mask `first` count in channel
 * 0, those of `second` (disjoint from `first`) in channel 1, others nowhere. `perRow` gives one
 * histogram per row (`[N, L + 1, 2]`), else one over every entry (`[1, L + 1, 2]`).
 *
 * Each u lies between the centres r = min(⌊u⌋, L − 1) and r + 1 and adds 1 − (u − r) and u − r to
 * them, so the forward pass is two scatter-adds and the backward pass one gather of the bin slopes
 * (dh/du is +1 at r + 1 and −1 at r): O(N·M) kernels, no `[N, M, L + 1]` tensor and no stack/unstack
 * (tfjs-wasm's Pack/Unpack and 2-D gathers cost ~20× a matmul of the same size). u outside [0, L] must
 * be clipped by the caller.
 */
export function softHistograms(
  u: tf.Tensor,
  first: tf.Tensor,
  second: tf.Tensor,
  bins: number,
  perRow: boolean,
): tf.Tensor {
  const [rows] = u.shape as [number, number];
  const histograms = perRow ? rows : 1;
  const width = (bins + 1) * 2;
  const shape = u.shape;
  const op = customGradient<[tf.Tensor, tf.Tensor, tf.Tensor]>(([v, f, s], save) => {
    // Flat index of each entry's lower bin and channel in the `[R, L + 1, 2]` table, and its weight.
    const [ids, weight] = tf.tidy(() => {
      const lower = tf.minimum(tf.floor(v), bins - 1);
      const local = tf.add(tf.mul(lower, 2), tf.sub(1, f));
      const at = perRow
        ? tf.add(local, tf.reshape(tf.range(0, rows * width, width, 'float32'), [rows, 1]))
        : local;
      return [tf.cast(tf.reshape(at, [-1, 1]), 'int32'), tf.reshape(tf.add(f, s), [-1])];
    });
    save([ids, weight]);
    const value = tf.tidy(() => {
      const size = histograms * width;
      const upperShare = tf.reshape(tf.sub(v, tf.minimum(tf.floor(v), bins - 1)), [-1]);
      const below = tf.scatterND(ids, tf.mul(weight, tf.sub(1, upperShare)), [size]);
      const above = tf.scatterND(tf.add(ids, tf.scalar(2, 'int32')), tf.mul(weight, upperShare), [size]);
      return tf.reshape(tf.add(below, above), [histograms, bins + 1, 2]);
    });
    return {
      value,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [savedIds, savedWeight] = saved as [tf.Tensor, tf.Tensor];
          // Slope of each bin interval per channel, dy[r + 1] − dy[r], padded to the table's
          // `[R, L + 1, 2]` layout (the last centre starts no interval), so the forward ids index it.
          const slope = tf.pad(
            tf.sub(
              tf.slice(dy, [0, 1, 0], [histograms, bins, 2]),
              tf.slice(dy, [0, 0, 0], [histograms, bins, 2]),
            ),
            [
              [0, 0],
              [0, 1],
              [0, 0],
            ],
          );
          const du = tf.mul(tf.gather(tf.reshape(slope, [-1]), tf.reshape(savedIds, [-1])), savedWeight);
          return [tf.reshape(du, shape), tf.zeros(shape), tf.zeros(shape)];
        }),
    };
  });
  return op(u, first, second);
}
