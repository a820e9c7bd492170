import * as tf from '@tensorflow/tfjs-core';

type Save = (tensors: tf.Tensor[]) => void;
type Cloning = { clone(x: tf.Tensor): tf.Tensor };

/**
 * Calls a `customGrad` `save` so that the saved tensors share their inputs' buffers instead of copying
 * them. tfjs's `save` keeps `engine.clone(x)` of each tensor; `clone` runs the backend's `Identity`
 * kernel, which shares the buffer on cpu and webgpu but copies it on wasm (a second `[V, D]` classifier
 * for a fused linear + loss). Here each saved tensor is a reshape to the same shape — on every backend
 * a reference-counted view of the same data — so nothing is copied, and the buffer stays alive (and is
 * released with the tape as usual) even when the input is an intermediate of `tf.grads` that the
 * forward scope disposes before the backward pass.
 *
 * Nothing is saved when tfjs is not recording a tape (same as `save`).
 *
 * @param save the `save` function `customGrad` passed to the forward function.
 * @param tensors tensors to keep for the backward pass, in the order the gradient function reads them.
 * @example
 * saveShared(save, [embeddings, classifier, targets]);
 */
export function saveShared(save: Save, tensors: tf.Tensor[]): void {
  const engine = tf.engine() as unknown as Cloning;
  const own = Object.hasOwn(engine, 'clone');
  const previous = engine.clone;
  engine.clone = (x: tf.Tensor) => tf.reshape(x, x.shape);
  try {
    save(tensors);
  } finally {
    if (own) engine.clone = previous;
    else delete (engine as Partial<Cloning>).clone;
  }
}
