import * as tf from '@tensorflow/tfjs';
import { expectCloseAsync } from '@xent/testing';
import { type LinearCrossEntropyOptions, linearCrossEntropy } from '../src/index.js';
import type { ReferenceOptions } from './reference.js';

/** The dense tfjs reference: `matMul` + `logSoftmax` over the full `[N, V]` logits. */
export function denseLoss(
  e: tf.Tensor,
  c: tf.Tensor,
  y: tf.Tensor,
  bias: tf.Tensor | undefined,
  options: ReferenceOptions = {},
): tf.Tensor {
  return tf.tidy(() => {
    const v = c.shape[0]!;
    let z = tf.matMul(e, c, false, true);
    if (bias) z = tf.add(z, bias);
    const s = options.softcap ?? 0;
    if (s > 0) z = tf.mul(tf.tanh(tf.div(z, s)), s);
    const lse = tf.logSumExp(z, 1);
    const alpha = options.labelSmoothing ?? 0;
    const valid = tf.cast(tf.notEqual(y, options.ignoreIndex ?? -100), 'float32');
    const hot = tf.oneHot(tf.clipByValue(y, 0, v - 1) as tf.Tensor1D, v);
    const picked = tf.sum(tf.mul(z, hot), 1);
    let rows = tf.sub(lse, tf.mul(picked, 1 - alpha));
    if (alpha > 0) rows = tf.sub(rows, tf.mul(tf.sum(z, 1), alpha / v));
    const lambda = options.logZPenalty ?? 0;
    if (lambda > 0) rows = tf.add(rows, tf.mul(tf.square(lse), lambda));
    rows = tf.mul(rows, valid);
    const reduction = options.reduction ?? 'mean';
    if (reduction === 'none') return rows;
    if (reduction === 'sum') return tf.sum(rows);
    return tf.div(tf.sum(rows), tf.maximum(tf.sum(valid), 1));
  });
}

/**
 * Checks that `linearCrossEntropy` (with `options`, bias `b`) matches {@link denseLoss} in value and in
 * the gradients of E, C and b; disposes what it makes.
 */
export async function expectMatchesDense(
  e: tf.Tensor,
  c: tf.Tensor,
  b: tf.Tensor,
  y: tf.Tensor,
  options: ReferenceOptions & LinearCrossEntropyOptions,
): Promise<void> {
  const { bias: _bias, ...reference } = options;
  const ours = (x: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) =>
    linearCrossEntropy(x, w, y, { ...options, bias: bb });
  const dense = (x: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) =>
    denseLoss(x, w, y, bb, reference as ReferenceOptions);
  const [value, expected] = [ours(e, c, b), dense(e, c, b)];
  await expectCloseAsync(value, expected, { atol: 1e-5, rtol: 1e-5, message: 'loss' });
  const [gOurs, gDense] = [tf.grads(ours)([e, c, b]), tf.grads(dense)([e, c, b])];
  for (const [i, grad] of gOurs.entries()) {
    await expectCloseAsync(grad, gDense[i]!, { atol: 1e-6, rtol: 1e-4, message: `gradient ${i}` });
  }
  tf.dispose([value, expected, ...gOurs, ...gDense]);
}
