import * as tf from '@tensorflow/tfjs-core';
import { clampIds } from './clamp-ids.js';
import { customGradient } from './custom-gradient.js';
import { segmentSum } from './segment-sum.js';

/**
 * `x[indices]` along axis 0 (`tf.gather`), differentiable on every backend, for many indices: the
 * gradient is its transpose {@link segmentSum} (duplicate indices add up) in O(K·D) memory, where
 * {@link gatherRows}' one-hot product needs a `[K, rows]` matrix (too large when gathering, say,
 * millions of pair entries from a flattened `[B, B]` matrix). tfjs's own gather gradient needs
 * `UnsortedSegmentSum`, which tfjs-wasm 4.22 lacks.
 *
 * @param x any rank ≥ 1.  @param indices int32 `[K]` in [0, x.shape[0]).
 * @returns `[K, ...x.shape.slice(1)]`.
 */
export function gatherRowsSparse(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  // customGrad casts its inputs to float32; carry the indices as exact floats and cast back.
  // Clamped to [0, rows − 1]: unchecked indices never read or scatter out of bounds (wasm).
  const floatIndices = tf.tidy(() => clampIds(tf.cast(indices, 'float32'), x.shape[0]!));
  const result = gatherOp(x, floatIndices);
  floatIndices.dispose();
  return result;
}

const gatherOp = /* @__PURE__ */ customGradient<[tf.Tensor, tf.Tensor]>(([x, floatIndices], save) => {
  const ids = tf.cast(floatIndices, 'int32');
  save([floatIndices]);
  const value = tf.gather(x, ids);
  ids.dispose();
  const shape = x.shape;
  return {
    value,
    gradFunc: (dy, saved) => {
      const [savedIndices] = saved as [tf.Tensor];
      return [segmentSum(dy, savedIndices, shape[0]!), tf.zeros(savedIndices.shape)];
    },
  };
});
