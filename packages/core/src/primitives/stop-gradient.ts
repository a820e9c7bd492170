import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * The identity with a zero gradient (tfjs has no `stopGradient`): use it for inputs that act as
 * constants in a formula — 0/1 masks, targets, sampled weights — so the gradient with respect to
 * them is 0 rather than the formula's derivative.
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = customGradient<[tf.Tensor]>(([x]) => ({
  value: tf.clone(x),
  gradFunc: (dy) => tf.zerosLike(dy),
}));
