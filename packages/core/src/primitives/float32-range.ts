import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷ ≈ 3.4028e38. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * `x` clipped to [−FLOAT32_MAX, FLOAT32_MAX] (±Infinity included; NaN stays NaN), with an identity
 * gradient: the documented saturation of a loss whose true value is beyond float32. Unlike
 * `tf.clipByValue`, the gradient still flows where the value saturated (the loss is huge, not flat).
 *
 * @param x any float32 tensor.
 * @returns float32, the shape of `x`.
 * @example const loss = saturateFloat32(tf.add(ce, squares));
 */
export const saturateFloat32: (x: tf.Tensor) => tf.Tensor = /* @__PURE__ */ customGradient<[tf.Tensor]>(
  ([x]) => ({
    value: tf.clipByValue(x, -FLOAT32_MAX, FLOAT32_MAX),
    gradFunc: (dy) => tf.clone(dy),
  }),
);

function clip(x: tf.Tensor): tf.Tensor {
  return tf.clipByValue(x, -FLOAT32_MAX, FLOAT32_MAX);
}

function squareSumFor(scale: number, weighted: boolean) {
  return customGradient<tf.Tensor[]>((inputs, save) => {
    const [x, w] = inputs as [tf.Tensor, tf.Tensor | undefined];
    save(weighted ? [x, w!] : [x]);
    // (x·(w·scale))·x: every term is at most the (non-negative) result, so nothing overflows
    // before the result does; the result then saturates at FLOAT32_MAX.
    const value = tf.tidy(() => {
      const factor = weighted ? tf.mul(w!, scale) : tf.scalar(scale);
      return clip(tf.sum(tf.mul(tf.mul(x, factor), x), -1));
    });
    return {
      value,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [input, weights] = saved as [tf.Tensor, tf.Tensor | undefined];
          const bounded = clip(input);
          // ∂/∂x = 2·scale·w·x·dy and ∂/∂w = scale·x²·dy, small factors first, then clipped.
          const perRow = tf.expandDims(tf.mul(dy, scale), -1);
          const twice = tf.mul(perRow, 2);
          const dx = clip(tf.mul(bounded, weights === undefined ? twice : tf.mul(twice, weights)));
          if (weights === undefined) return [dx];
          return [dx, clip(tf.mul(tf.mul(bounded, perRow), bounded))];
        }),
    };
  });
}

/**
 * scale·Σⱼ wⱼ·xⱼ² over the last axis, finite whenever the result is representable in float32: it is
 * computed as Σⱼ (xⱼ·wⱼ·scale)·xⱼ (each term at most the result), so a mean of squares does not
 * overflow where the squares alone would (|x| ≳ 1.8e19). A result beyond float32 saturates at
 * {@link FLOAT32_MAX}, and the gradient (2·scale·w·x, scale·x²) is clipped to ±FLOAT32_MAX, so
 * neither is ever ±Infinity or NaN for finite inputs.
 *
 * @param x float32 `[..., K]`.
 * @param scale a finite number ≥ 0 (e.g. 1/K for a mean).
 * @param weights optional float32 `[..., K]`, ≥ 0 (differentiable).
 * @returns float32 `[...]` (the last axis reduced). K = 0 gives 0.
 * @example const meanSquare = scaledSquareSum(diff, 1 / k);
 */
export function scaledSquareSum(x: tf.Tensor, scale: number, weights?: tf.Tensor): tf.Tensor {
  // K = 0: wasm's sum over an empty axis reads uninitialised memory; the empty sum is 0.
  if (x.shape[x.rank - 1] === 0) {
    const empty = customGradient<tf.Tensor[]>((inputs) => ({
      value: tf.zeros(x.shape.slice(0, -1)),
      gradFunc: () => inputs.map((input) => tf.zerosLike(input)),
    }));
    return weights === undefined ? empty(x) : empty(x, weights);
  }
  return weights === undefined ? squareSumFor(scale, false)(x) : squareSumFor(scale, true)(x, weights);
}
