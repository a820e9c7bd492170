import * as tf from '@tensorflow/tfjs-core';

/** Options of the label masks. */
export interface LabelMaskOptions {
  /** Set the diagonal to false (an anchor is not its own positive); only when `other` is omitted. @defaultValue true */
  readonly excludeDiagonal?: boolean;
}

function pairMask(labels: tf.Tensor, other: tf.Tensor | undefined, same: boolean, options: LabelMaskOptions) {
  return tf.tidy(() => {
    const rows = tf.expandDims(labels, 1);
    const cols = tf.expandDims(other ?? labels, 0);
    const mask = same ? tf.equal(rows, cols) : tf.notEqual(rows, cols);
    if (other !== undefined || !(options.excludeDiagonal ?? true) || !same) return mask;
    return tf.logicalAnd(mask, tf.logicalNot(tf.cast(tf.eye(labels.shape[0]!), 'bool')));
  });
}

/** bool `[B, M]`: labels[i] = other[j] (`other` defaults to `labels`; then the diagonal is excluded). */
export function sameLabelMask(
  labels: tf.Tensor,
  other?: tf.Tensor,
  options: LabelMaskOptions = {},
): tf.Tensor {
  return pairMask(labels, other, true, options);
}

/** bool `[B, M]`: labels[i] ≠ other[j] (`other` defaults to `labels`). */
export function differentLabelMask(labels: tf.Tensor, other?: tf.Tensor): tf.Tensor {
  return pairMask(labels, other, false, {});
}
