import * as tf from '@tensorflow/tfjs-core';

/**
 * Row gather: out[i] = x[i, ids[i]] for `x` `[N, C]` and int32 `ids` `[N]`, without building a
 * one-hot. The gradient scatters into column ids[i] of each row.
 */
export function pickClass(x: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [rows, cols] = x.shape as [number, number];
    const flatIndex = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(cols, 'int32')), ids);
    return tf.gather(tf.reshape(x, [rows * cols]), flatIndex);
  });
}

/**
 * Class targets as a float `[N, C]` distribution: one-hot rows for int32 ids, soft rows kept as they
 * are; `smoothing` ε mixes in the uniform distribution: (1 − ε)·t + ε/C.
 */
export function classTargets(labels: tf.Tensor, numClasses: number, smoothing = 0): tf.Tensor {
  return tf.tidy(() => {
    const targets = labels.dtype === 'int32' ? tf.oneHot(labels, numClasses, 1, 0, 'float32') : labels;
    if (smoothing === 0) return targets;
    return tf.add(tf.mul(targets, 1 - smoothing), smoothing / numClasses);
  });
}

/** True when `labels` are int32 class ids (as opposed to float `[N, C]` targets). */
export function isClassIds(labels: tf.Tensor): boolean {
  return labels.dtype === 'int32';
}
