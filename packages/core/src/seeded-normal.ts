import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from './random.js';

/**
 * A float32 tensor of normal samples N(mean, std²) drawn on the host from {@link seededRandom}
 * (Box–Muller): the same values for the same seed on every backend, and every integer is a seed —
 * unlike `tf.randomNormal`, which reads a seed of `0` as "no seed".
 *
 * @example const init = seededNormal([10, 64], 0, 0, Math.sqrt(2 / 10));
 */
export function seededNormal(shape: readonly number[], seed: number, mean = 0, std = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const next = seededRandom(seed);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    values[i] = mean + std * radius * Math.cos(angle);
    if (i + 1 < size) values[i + 1] = mean + std * radius * Math.sin(angle);
  }
  return tf.tensor(values, [...shape], 'float32');
}
