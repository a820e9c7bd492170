import * as tf from '@tensorflow/tfjs-core';
import { invalidOption, type TensorInput, toTensor } from '@xent/core';

/** A number or a scalar tensor (a learnable parameter such as a temperature or a bias). */
export type ScalarInput = number | tf.Tensor;

/** Reads an option that is a number or a scalar tensor as a scalar tensor; throws `INVALID_OPTION` otherwise. */
export function scalarOption(fn: string, name: string, value: ScalarInput): tf.Tensor {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalidOption(fn, name, 'a finite number or a scalar tensor', value);
    return tf.scalar(value);
  }
  if (value instanceof tf.Tensor && value.size === 1 && value.dtype === 'float32')
    return tf.reshape(value, []);
  return invalidOption(fn, name, 'a finite number or a float32 scalar tensor', value);
}

/** Converts an optional tensor option and checks it is float32 `[rows, dim]` with the given `dim`. */
export function matrixOption(fn: string, name: string, value: TensorInput, dim: number): tf.Tensor {
  const tensor = toTensor(value, fn, `options.${name}`, 'float32');
  if (tensor.rank !== 2 || tensor.shape[1] !== dim) {
    invalidOption(fn, name, `float32 [H, ${dim}]`, `${tensor.dtype} [${tensor.shape.join(', ')}]`);
  }
  return tensor;
}
