import * as tf from '@tensorflow/tfjs-core';
import { type AnyLossFn, inferShape, type TensorInput } from '@xent/core';

/**
 * Tensors for a loss's positional inputs given as nested arrays or tensors: class-id labels (rank one
 * below the declared labels shape) and `int32` inputs become int32, `bool` inputs bool, others float32.
 */
export function inputTensors(loss: AnyLossFn, inputs: readonly TensorInput[]): tf.Tensor[] {
  return inputs.map((value, i) => {
    if (value instanceof tf.Tensor) return value;
    const spec = loss.spec.inputs[i]!;
    const rank = inferShape(value)?.length;
    const ids = spec.dtype === 'int32' || (spec.dtype === 'labels' && rank === spec.shape.length - 1);
    return tf.tensor(
      value as tf.TensorLike,
      undefined,
      ids ? 'int32' : spec.dtype === 'bool' ? 'bool' : 'float32',
    );
  });
}
