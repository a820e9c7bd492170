import * as tf from '@tensorflow/tfjs-core';
import { customGradient, readSyncIfPossible } from '@xent/core';

/** The host data of every tensor, or `undefined` where reading would be a synchronous GPU round trip. */
export function readAllIfPossible(...tensors: tf.Tensor[]): ArrayLike<number>[] | undefined {
  const first = readSyncIfPossible(tensors[0]!);
  if (!first) return undefined;
  return [first, ...tensors.slice(1).map((t) => readSyncIfPossible(t)!)];
}

/**
 * A value computed on the host from the `[R, C]` `input`, made differentiable in it: a scalar (`value` a
 * number, `grad` = ∂value/∂input) or one value per row (`value` of length R, `grad` row i = ∂valueᵢ/∂input
 * row i). The backward pass is one multiply by the upstream gradient.
 */
export function withHostGradient(
  input: tf.Tensor,
  value: number | Float32Array,
  grad: Float32Array,
): tf.Tensor {
  const op = customGradient<[tf.Tensor]>(([x], save) => {
    const slope = tf.tensor(grad, x.shape, 'float32');
    save([slope]);
    return {
      value: typeof value === 'number' ? tf.scalar(value) : tf.tensor1d(value),
      // dy is a scalar or `[R]`: as `[1, 1]` or `[R, 1]` it scales the whole slope or its rows.
      gradFunc: (dy, [g]) => tf.mul(g!, tf.reshape(dy, [-1, 1])),
    };
  });
  return op(input);
}
