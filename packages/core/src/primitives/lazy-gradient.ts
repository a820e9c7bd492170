import * as tf from '@tensorflow/tfjs-core';

/** One gradient thunk per input, in order: tfjs calls only those of the inputs on the path to what is differentiated. */
export type LazyGradients = (dy: tf.Tensor, saved: tf.Tensor[]) => (() => tf.Tensor)[];

/** The engine's kernel runner (public at runtime, not in the typings), which `tf.customGrad` is built on. */
interface KernelRunner {
  runKernelFunc(params: {
    forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor;
    backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<number, () => tf.Tensor>;
    inputs: Record<number, tf.Tensor>;
  }): tf.Tensor;
}

/**
 * Like {@link customGradient}, but the gradient of each input is computed only if autodiff asks for
 * it. `tf.customGrad` evaluates its whole `gradFunc` for every input, so an op of a trainable tensor
 * and a constant (a memory bank, a reference set, a frozen classifier) pays for the constant's
 * gradient too; here each input's gradient is a thunk that tfjs's tape skips for inputs it pruned.
 * Tensors the gradients need must go through `save`.
 */
export function lazyCustomGradient<Inputs extends tf.Tensor[]>(
  forward: (
    inputs: Inputs,
    save: (tensors: tf.Tensor[]) => void,
  ) => { value: tf.Tensor; gradients: LazyGradients },
): (...inputs: Inputs) => tf.Tensor {
  return (...inputs: Inputs) => {
    let gradients: LazyGradients | undefined;
    return (tf.engine() as unknown as KernelRunner).runKernelFunc({
      forwardFunc: (_backend, save) => {
        const result = forward(inputs, save);
        gradients = result.gradients;
        return result.value;
      },
      backwardsFunc: (dy, saved) => ({ ...gradients!(dy, saved) }),
      inputs: { ...inputs },
    });
  };
}
