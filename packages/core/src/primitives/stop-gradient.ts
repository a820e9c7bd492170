import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * The identity with a zero gradient (tfjs has no `stopGradient`): values computed from `x` after
 * this are constants to autodiff, like `x.detach()` in PyTorch or `jax.lax.stop_gradient`.
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = customGradient<[tf.Tensor]>(([x]) => ({
  value: tf.clone(x),
  gradFunc: (dy) => tf.zerosLike(dy),
}));
