// Shared parts of the open-world MNIST studies: data (train on digits 0–4, test on unseen 5–9), the
// embedding MLP, and the retrieval evaluation.
import * as tf from '@tensorflow/tfjs';
import { filterClasses, loadMnist, MNIST_PIXELS, type MnistSplit } from '@xent/datasets';
import { mapAtR, precisionAt1 } from '../src/index.js';

export const TRAIN_LIMIT = 12_000; // first 12k training images → ~6.1k of digits 0–4
export const TEST_PER_CLASS = 200; // 1000 test images of digits 5–9
export const HIDDEN = 256;
export const EMBEDDING = 64;

/** Row indices of each class. */
export function byClass(split: MnistSplit): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (let i = 0; i < split.count; i++) {
    const list = map.get(split.labels[i]!) ?? [];
    list.push(i);
    map.set(split.labels[i]!, list);
  }
  return map;
}

/** The images at `index` as a float32 `[N, 784]` tensor. */
export function rows(split: MnistSplit, index: readonly number[]): tf.Tensor2D {
  const out = new Float32Array(index.length * MNIST_PIXELS);
  index.forEach((i, k) => {
    out.set(split.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), k * MNIST_PIXELS);
  });
  return tf.tensor2d(out, [index.length, MNIST_PIXELS]);
}

/** The open-world split: training images of 0–4, the first TEST_PER_CLASS test images of each of 5–9. */
export function openWorldMnist() {
  const train = filterClasses(loadMnist('train', TRAIN_LIMIT), [0, 1, 2, 3, 4]);
  const testAll = filterClasses(loadMnist('test'), [5, 6, 7, 8, 9]);
  const testIndex = [...byClass(testAll).values()].flatMap((g) => g.slice(0, TEST_PER_CLASS));
  const test = { x: rows(testAll, testIndex), y: Int32Array.from(testIndex.map((i) => testAll.labels[i]!)) };
  return { train, test };
}

/** x·W with plain matmuls in the gradient too (tfjs-wasm's transposed matmuls are ~10× slower). */
const dense = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) => [
      tf.matMul(dy, tf.transpose(sw!)),
      tf.matMul(tf.transpose(sx!), dy),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/** MLP 784-HIDDEN-EMBEDDING (ReLU), He-initialised from `seed`. */
export function model(seed: number) {
  const init = (shape: [number, number], s: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / shape[0]), 'float32', s));
  const w1 = init([MNIST_PIXELS, HIDDEN], seed * 10 + 1);
  const b1 = tf.variable(tf.zeros([HIDDEN]));
  const w2 = init([HIDDEN, EMBEDDING], seed * 10 + 2);
  const b2 = tf.variable(tf.zeros([EMBEDDING]));
  const embed = (x: tf.Tensor) => tf.add(dense(tf.relu(tf.add(dense(x, w1), b1)), w2), b2);
  return { embed, variables: [w1, b1, w2, b2] };
}

/** L2-normalised test embeddings as host arrays, with their labels. */
export function testEmbeddings(embed: (x: tf.Tensor) => tf.Tensor, test: { x: tf.Tensor; y: Int32Array }) {
  const embeddings = tf.tidy(() => {
    const e = embed(test.x);
    return tf.div(e, tf.norm(e, 'euclidean', 1, true));
  });
  const e = embeddings.arraySync() as number[][];
  embeddings.dispose();
  return { e, y: Array.from(test.y) };
}

/** MAP@R and precision@1 of each test image querying the others. */
export function retrieval(e: number[][], y: number[]) {
  return { mapAtR: mapAtR(e, y), p1: precisionAt1(e, y) };
}

/** "mean ± sd" over seeds. */
export function stat(v: number[]): string {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
  return `${m.toFixed(4)} ± ${sd.toFixed(4)}`;
}
