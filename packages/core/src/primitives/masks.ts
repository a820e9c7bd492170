import * as tf from '@tensorflow/tfjs-core';
import { hostLabelMask } from './host-label-masks.js';

/** Options of the label masks. */
export interface LabelMaskOptions {
  /** Set the diagonal to false (an anchor is not its own positive); only when `other` is omitted. @defaultValue true */
  readonly excludeDiagonal?: boolean;
}

function pairMask(labels: tf.Tensor, other: tf.Tensor | undefined, same: boolean, options: LabelMaskOptions) {
  const excludeDiagonal = other === undefined && same && (options.excludeDiagonal ?? true);
  const host = hostLabelMask(labels, other, same, excludeDiagonal);
  if (host) return host;
  return tf.tidy(() => {
    // Compare two full [N, M] grids: on tfjs-wasm 4.22 a comparison broadcasting both operands
    // ([N, 1] vs [1, M]) takes the generic path, ~10–30× slower than same-shape operands. Ids are
    // compared as float32: exact below 2²⁴.
    const right = other ?? labels;
    const [n, m] = [labels.shape[0]!, right.shape[0]!];
    const rows = tf.matMul(tf.reshape(tf.cast(labels, 'float32'), [n, 1]), tf.ones([1, m]));
    const cols = tf.matMul(tf.ones([n, 1]), tf.reshape(tf.cast(right, 'float32'), [1, m]));
    const mask = same ? tf.equal(rows, cols) : tf.notEqual(rows, cols);
    if (!excludeDiagonal) return mask;
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
