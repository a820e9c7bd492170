// GradCache: peak memory and time of one InfoNCE / MW gradient over a large batch, plain autodiff vs
// cachedContrastive with mini-batches, on a 784-1024-256 MLP tower (real MNIST images as inputs).
// Run: npx tsx --conditions=@xent/source packages/retrieval/bench/cached-contrastive.ts
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { machineLine, peakMemory, ratioTable, time } from '@xent/bench';
import { cosineSimilarity } from '@xent/core';
import { loadMnist, MNIST_PIXELS } from '@xent/datasets';
import { useBackend } from '@xent/testing';
import { cachedContrastive, infoNceLoss, mwLoss } from '../src/index.js';

await useBackend('wasm');
console.log(machineLine());
const batch = 512;
const mnist = loadMnist('train', 2 * batch);
const queries = tf.tensor2d(mnist.images.subarray(0, batch * MNIST_PIXELS), [batch, MNIST_PIXELS]);
const docs = tf.tensor2d(mnist.images.subarray(batch * MNIST_PIXELS), [batch, MNIST_PIXELS]);
const w1 = tf.variable(tf.randomNormal([MNIST_PIXELS, 1024], 0, 0.03, 'float32', 1));
const w2 = tf.variable(tf.randomNormal([1024, 256], 0, 0.03, 'float32', 2));
const variables = [w1, w2];
const embed = (x: tf.Tensor) => tf.tidy(() => tf.matMul(tf.relu(tf.matMul(x, w1)), w2));
const eye = tf.eye(batch);
const losses = {
  infoNce: (q: tf.Tensor, d: tf.Tensor) => infoNceLoss(q, d, { scale: 20, validate: false }),
  mw: (q: tf.Tensor, d: tf.Tensor) => mwLoss(cosineSimilarity(q, d), eye, { scale: 20, validate: false }),
};
for (const [name, loss] of Object.entries(losses)) {
  const plain = () => {
    const { value, grads } = tf.variableGrads(
      () => loss(embed(queries), embed(docs)) as tf.Scalar,
      variables,
    );
    return [value, ...Object.values(grads)];
  };
  const cached = (miniBatchSize: number) => () => {
    const { value, grads } = cachedContrastive({
      queryInputs: queries,
      docInputs: docs,
      embedQueries: embed,
      loss,
      miniBatchSize,
      variables,
    });
    return [value, ...Object.values(grads)];
  };
  const rows = [];
  for (const [label, fn] of [
    ['plain autodiff', plain],
    ['cachedContrastive, mini-batch 256', cached(256)],
    ['cachedContrastive, mini-batch 64', cached(64)],
  ] as const) {
    const t = await time(fn, { warmup: 1, iterations: 2 });
    const m = await peakMemory(fn);
    rows.push({ name: label, values: { 'ms (median)': t.median, 'peak tensor bytes': m.peakTensorBytes } });
  }
  ratioTable(
    `${name}: batch ${batch} query–doc pairs, 784-1024-256 tower, loss + all variable gradients`,
    rows,
  );
}
