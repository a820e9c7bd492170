import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from '@xent/core';

function lossFor(q: number) {
  return customGradient<[tf.Tensor]>(([nll], save) => {
    save([nll]);
    const value = tf.tidy(() => {
      const x = tf.mul(nll, q);
      const series = tf.mul(x, tf.add(1, tf.mul(x, tf.add(-0.5, tf.div(x, 6)))));
      const direct = tf.sub(1, tf.exp(tf.neg(x)));
      return tf.div(tf.where(tf.less(tf.abs(x), 1e-3), series, direct), q);
    });
    // d/d nll of (1 − exp(−q·nll))/q is exp(−q·nll) = p^q.
    return { value, gradFunc: (dy, [saved]) => tf.mul(dy, tf.exp(tf.mul(saved!, -q))) };
  });
}

/**
 * The Box–Cox / Tsallis loss of a probability p = exp(−nll), in terms of nll = −log p:
 *
 *   L_q(p) = (1 − p^q) / q = −expm1(−q·nll) / q      (q ≠ 0),     L_0(p) = −log p = nll
 *
 * q < 0 is allowed (the comp-sum family with τ < 1). Small |q·nll| uses the series
 * x − x²/2 + x³/6 (x = q·nll) so L_q stays accurate as q → 0, where it tends to cross-entropy; the
 * gradient is the closed form p^q = exp(−q·nll).
 */
export function boxCox(nll: tf.Tensor, q: number): tf.Tensor {
  return q === 0 ? nll : lossFor(q)(nll);
}
