import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * log(eᵃ + eᵇ), elementwise (same shapes), stable for any magnitude: max(a, b) + log1p(e^−|a−b|).
 * One of a, b may be −∞ (the result is then the other). The gradient is in closed form,
 * ∂/∂a = e^(a − result) = σ(a − b) and ∂/∂b = σ(b − a) — ½ each at a tie, where autodiff through
 * `max` would give 1 and 0. Used for mixtures of log-probabilities: log(β·p + (1 − β)·q) =
 * logAddExp(log β + log p, log(1 − β) + log q).
 *
 * @example const logM = logAddExp(tf.add(logP, Math.log(beta)), tf.add(logQ, Math.log(1 - beta)));
 */
export const logAddExp: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor = customGradient<[tf.Tensor, tf.Tensor]>(
  ([a, b], save) => {
    const value = tf.tidy(() => {
      const high = tf.maximum(a, b);
      const low = tf.minimum(a, b);
      // e^(low − high) ∈ [0, 1]; 0 when low = −∞ (and high finite).
      return tf.add(high, tf.log1p(tf.exp(tf.sub(low, high))));
    });
    save([a, b, value]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [x, y, result] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return [tf.mul(dy, tf.exp(tf.sub(x, result))), tf.mul(dy, tf.exp(tf.sub(y, result)))];
      },
    };
  },
);
