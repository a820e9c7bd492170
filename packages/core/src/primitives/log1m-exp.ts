import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * log(1 − eˣ) for x ≤ 0, elementwise and stable at both ends (Mächler 2012): log(−expm1(x)) for
 * x > −ln 2, log1p(−eˣ) below. Turns a log-probability into the log of its complement, e.g.
 * log(1 − p_y) from log p_y without cancellation. x = 0 gives −∞; x > 0 gives NaN. The gradient is
 * −eˣ/(1 − eˣ) = −exp(x − log1mExp(x)), finite for every x < 0.
 *
 * @see https://cran.r-project.org/web/packages/Rmpfr/vignettes/log1mexp-note.pdf
 */
export const log1mExp: (x: tf.Tensor) => tf.Tensor = customGradient<[tf.Tensor]>(([x], save) => {
  const value = tf.tidy(() => {
    const near = tf.greater(x, -Math.LN2);
    const fallback = tf.fill(x.shape, -1);
    const nearInput = tf.where(near, x, fallback);
    const farInput = tf.where(near, fallback, x);
    return tf.where(near, tf.log(tf.neg(tf.expm1(nearInput))), tf.log1p(tf.neg(tf.exp(farInput))));
  });
  save([x, value]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const [input, result] = saved as [tf.Tensor, tf.Tensor];
      return tf.mul(dy, tf.neg(tf.exp(tf.sub(input, result))));
    },
  };
});
