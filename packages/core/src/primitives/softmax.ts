import * as tf from '@tensorflow/tfjs-core';

/** log softmax(x) along the last axis: xᵢ − log Σⱼ exp(xⱼ), stable for large logits. */
export function logSoftmax(x: tf.Tensor): tf.Tensor {
  return tf.logSoftmax(x, -1);
}

/** softmax(x) along the last axis. */
export function softmax(x: tf.Tensor): tf.Tensor {
  return tf.softmax(x, -1);
}
