// The shared model: a seeded MLP (ReLU hidden layers, last layer without bias so its weight doubles as a
// classifier matrix for fused linear + cross-entropy losses). Same sizes + seed ⇒ identical initial weights.
import * as tf from '@tensorflow/tfjs-core';

export interface Mlp {
  readonly params: tf.Variable[];
  /** Last layer weight `[hidden, out]`. */
  readonly head: tf.Variable;
  /** `hidden`: last hidden activation `[N, H]`; `out`: `hidden · head` `[N, out]`. */
  forward(x: tf.Tensor): { hidden: tf.Tensor; out: tf.Tensor };
  dispose(): void;
}

export function createMlp(sizes: readonly number[], seed: number, trainable = true): Mlp {
  const layers: { w: tf.Variable; b: tf.Variable | undefined }[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const last = l + 2 === sizes.length;
    const w = tf.tidy(() =>
      tf.variable(
        tf.randomNormal([fanIn, fanOut], 0, Math.sqrt(2 / fanIn), 'float32', seed * 31 + l),
        trainable,
      ),
    );
    const b = last ? undefined : tf.tidy(() => tf.variable(tf.zeros([fanOut]), trainable));
    layers.push({ w, b });
  }
  const params = layers.flatMap(({ w, b }) => (b ? [w, b] : [w]));
  return {
    params,
    head: layers[layers.length - 1]!.w,
    forward(x) {
      let h = x;
      for (let l = 0; l + 1 < layers.length; l++)
        h = tf.relu(tf.add(tf.matMul(h, layers[l]!.w), layers[l]!.b!));
      return { hidden: h, out: tf.matMul(h, layers[layers.length - 1]!.w) };
    },
    dispose() {
      for (const p of params) p.dispose();
    },
  };
}
