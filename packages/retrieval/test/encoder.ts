import * as tf from '@tensorflow/tfjs';
import { randomNormal } from '@xent/testing';

/** A small seeded two-layer tower `[b, inputDim] → [b, outDim]` for the GradCache tests. */
export function encoder(seed: number, inputDim: number, outDim: number) {
  const w1 = tf.variable(tf.tensor(randomNormal([inputDim, 5], seed, 0.5) as number[][]));
  const w2 = tf.variable(tf.tensor(randomNormal([5, outDim], seed + 1, 0.5) as number[][]));
  return {
    variables: [w1, w2],
    embed: (x: tf.Tensor) => tf.tidy(() => tf.matMul(tf.tanh(tf.matMul(x, w1)), w2)),
    dispose: () => tf.dispose([w1, w2]),
  };
}
