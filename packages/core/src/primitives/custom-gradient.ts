import * as tf from '@tensorflow/tfjs-core';

/** The backward half of {@link customGradient}: upstream gradient and saved tensors in, one gradient per input out. */
export type GradientFunction = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

/**
 * A typed `tf.customGrad`: `forward(inputs, save)` returns the value and its gradient function. Tensors
 * the gradient needs must go through `save` (tfjs disposes the others before the backward pass).
 */
export function customGradient<Inputs extends tf.Tensor[]>(
  forward: (
    inputs: Inputs,
    save: (tensors: tf.Tensor[]) => void,
  ) => {
    value: tf.Tensor;
    gradFunc: GradientFunction;
  },
): (...inputs: Inputs) => tf.Tensor {
  const wrapped = tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return forward(args.slice(0, -1) as Inputs, save);
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs: Inputs) => wrapped(...inputs);
}
