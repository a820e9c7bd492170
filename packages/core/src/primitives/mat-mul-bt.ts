import * as tf from '@tensorflow/tfjs-core';
import { lazyCustomGradient } from './lazy-gradient.js';

/**
 * a·bᵀ (`[N, D] × [M, D] → [N, M]`) through plain matmuls only, forward and backward. On tfjs-wasm 4.22
 * a transposed operand (`matMul(a, b, false, true)`, and the transposed products tfjs's matmul gradient
 * uses) is ~10× slower than an explicit `transpose` followed by a plain matmul; this computes
 *
 *   value = a·(bᵀ),   ∂a = dy·b,   ∂b = (dyᵀ)·a
 *
 * with explicit transposes. Same values as `tf.matMul(a, b, false, true)` up to rounding. Each input's
 * gradient is computed only when autodiff needs it (a constant `b`, e.g. a memory bank, costs no
 * backward matmul).
 */
export function matMulBT(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return op(a, b);
}

const op = /* @__PURE__ */ lazyCustomGradient<[tf.Tensor, tf.Tensor]>(([a, b], save) => {
  save([a, b]);
  return {
    value: tf.matMul(a, tf.transpose(b)),
    gradients: (dy, [sa, sb]) => [() => tf.matMul(dy, sb!), () => tf.matMul(tf.transpose(dy), sa!)],
  };
});
