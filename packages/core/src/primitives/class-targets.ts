import * as tf from '@tensorflow/tfjs-core';
import { oneHot } from './gather.js';

/**
 * Class targets as a float `[N, C]` distribution: one-hot rows for int32 ids, soft rows kept as they
 * are; `smoothing` ε mixes in the uniform distribution: (1 − ε)·t + ε/C.
 */
export function classTargets(labels: tf.Tensor, numClasses: number, smoothing = 0): tf.Tensor {
  return tf.tidy(() => {
    const targets = labels.dtype === 'int32' ? oneHot(labels, numClasses) : labels;
    if (smoothing === 0) return targets;
    return tf.add(tf.mul(targets, 1 - smoothing), smoothing / numClasses);
  });
}

/** True when `labels` are int32 class ids (as opposed to float `[N, C]` targets). */
export function isClassIds(labels: tf.Tensor): boolean {
  return labels.dtype === 'int32';
}
