import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * baseᵞ for base ≥ 0 and a constant exponent γ ≥ 0, elementwise, with 0ᵞ = 0 (γ > 0) or 1 (γ = 0) and
 * a zero gradient at base 0 — where `tf.pow` gives γ·0^(γ−1) = ∞ (and NaN after a masking `where`)
 * for γ < 1. Used for focusing weights such as (1 − p)ᵞ and max(p − m, 0)ᵞ.
 */
export function powNonNegative(base: tf.Tensor, exponent: number): tf.Tensor {
  if (exponent === 0) return tf.tidy(() => tf.onesLike(base));
  return tf.tidy(() => power(base, tf.scalar(exponent)));
}

const power = /* @__PURE__ */ customGradient<[tf.Tensor, tf.Tensor]>(([base, exponent], save) => {
  const value = tf.tidy(() => {
    const positive = tf.greater(base, 0);
    const safeBase = tf.where(positive, base, tf.onesLike(base));
    return tf.where(positive, tf.exp(tf.mul(tf.log(safeBase), exponent)), tf.zerosLike(base));
  });
  save([base, exponent]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const [input, gamma] = saved as [tf.Tensor, tf.Tensor];
      const positive = tf.greater(input, 0);
      const safeBase = tf.where(positive, input, tf.onesLike(input));
      const slope = tf.mul(gamma, tf.exp(tf.mul(tf.log(safeBase), tf.sub(gamma, 1))));
      return [tf.where(positive, tf.mul(dy, slope), tf.zerosLike(input)), tf.zerosLike(gamma)];
    },
  };
});
