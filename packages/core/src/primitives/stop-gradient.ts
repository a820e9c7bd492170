import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

/**
 * The value of `x` with no gradient flowing back (PyTorch's `detach`, TensorFlow's `stop_gradient`).
 * Use it for weights computed from differentiable values (Circle loss's detached pair weights, say).
 * Note: tfjs still walks through it, so a comparison (`greater`, no gradient in tfjs) applied after
 * it still breaks `tf.grad`; build such masks with `tf.step(x − c)`, which has a zero gradient.
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = customGradient<[tf.Tensor]>(([x]) => ({
  value: tf.clone(x),
  gradFunc: (dy) => tf.zerosLike(dy),
}));
