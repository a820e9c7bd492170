import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` in a tidy scope and returns its host-side result (numbers, typed arrays, plain objects):
 * every tensor made inside is disposed, also when `fn` throws. Do not return tensors from it.
 *
 * @example const ids = hostTidy(() => Int32Array.from(toTensor(labels, fn, 'labels', 'int32').dataSync()));
 */
export function hostTidy<T>(fn: () => T): T {
  let result: T | undefined;
  tf.tidy(() => {
    result = fn();
  });
  return result as T;
}
