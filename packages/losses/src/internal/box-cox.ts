import * as tf from '@tensorflow/tfjs-core';
import { customGradient, FLOAT32_MAX } from '@xent/core';

function lossFor(q: number) {
  return customGradient<[tf.Tensor]>(([nll], save) => {
    save([nll]);
    const value = tf.tidy(() => {
      const x = tf.mul(nll, q);
      const series = tf.mul(x, tf.add(1, tf.mul(x, tf.add(-0.5, tf.div(x, 6)))));
      const direct = tf.sub(1, tf.exp(tf.neg(x)));
      // q < 0 (comp-sum τ < 1) grows like exp(|q|·nll): beyond float32, saturate (never +Infinity).
      return tf.minimum(tf.div(tf.where(tf.less(tf.abs(x), 1e-3), series, direct), q), FLOAT32_MAX);
    });
    // d/d nll of (1 − exp(−q·nll))/q is exp(−q·nll) = p^q, saturated like the value (then × dy).
    return {
      value,
      gradFunc: (dy, [saved]) =>
        tf.tidy(() =>
          tf.clipByValue(
            tf.mul(dy, tf.minimum(tf.exp(tf.mul(saved!, -q)), FLOAT32_MAX)),
            -FLOAT32_MAX,
            FLOAT32_MAX,
          ),
        ),
    };
  });
}

/**
 * The Box–Cox / Tsallis loss of a probability p = exp(−nll), in terms of nll = −log p:
 *
 *   L_q(p) = (1 − p^q) / q = −expm1(−q·nll) / q      (q ≠ 0),     L_0(p) = −log p = nll
 *
 * q < 0 is allowed (the comp-sum family with τ < 1). Small |q·nll| uses the series
 * x − x²/2 + x³/6 (x = q·nll) so L_q stays accurate as q → 0, where it tends to cross-entropy; the
 * gradient is the closed form p^q = exp(−q·nll). For q < 0 both grow like exp(|q|·nll): where they
 * exceed float32 they saturate at its largest value (≈ 3.4e38) instead of becoming +Infinity.
 */
export function boxCox(nll: tf.Tensor, q: number): tf.Tensor {
  return q === 0 ? nll : lossFor(q)(nll);
}
