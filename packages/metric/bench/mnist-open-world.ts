// Open-world MNIST: train a small embedding MLP on digits 0–4, evaluate retrieval on unseen 5–9.
// Run: npx tsx --conditions @xent/source packages/metric/bench/mnist-open-world.ts
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import { filterClasses, loadMnist, MNIST_PIXELS, type MnistSplit } from '@xent/datasets';
import { seededRandom, useBackend } from '@xent/testing';
import {
  epsilonOpis,
  mapAtR,
  marginLoss,
  multiSimilarityLoss,
  opis,
  precisionAt1,
  tcmLoss,
  tripletMarginLoss,
} from '../src/index.js';

const TRAIN_LIMIT = 12_000; // first 12k training images → ~6.1k of digits 0–4
const TEST_PER_CLASS = 200; // 1000 test images of digits 5–9
const STEPS = 250;
const PER_CLASS = 24; // batch = 5 classes × 24 = 120
const HIDDEN = 256;
const EMBEDDING = 64;
const SEEDS = [1, 2, 3];

type LossFn = (e: tf.Tensor, y: tf.Tensor) => tf.Tensor;
const methods: Record<string, LossFn> = {
  'triplet (m 0.1, all triplets)': (e, y) => tripletMarginLoss(e, y, { margin: 0.1, validate: false }),
  'margin (α 0.2, β 1.2)': (e, y) => marginLoss(e, y, { validate: false }),
  'multi-similarity (2, 50, 0.5)': (e, y) => multiSimilarityLoss(e, y, { validate: false }),
  'multi-similarity + TCM (0.9 / 0.5)': (e, y) =>
    tf.add(multiSimilarityLoss(e, y, { validate: false }), tcmLoss(e, y, { validate: false })),
  // TCM's margins are dataset-dependent in the paper; one lower pair for comparison.
  'multi-similarity + TCM (0.7 / 0.3)': (e, y) =>
    tf.add(
      multiSimilarityLoss(e, y, { validate: false }),
      tcmLoss(e, y, { marginPlus: 0.7, marginMinus: 0.3, validate: false }),
    ),
};

function byClass(split: MnistSplit): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (let i = 0; i < split.count; i++) {
    const list = map.get(split.labels[i]!) ?? [];
    list.push(i);
    map.set(split.labels[i]!, list);
  }
  return map;
}

function rows(split: MnistSplit, index: readonly number[]): tf.Tensor2D {
  const out = new Float32Array(index.length * MNIST_PIXELS);
  index.forEach((i, k) => {
    out.set(split.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), k * MNIST_PIXELS);
  });
  return tf.tensor2d(out, [index.length, MNIST_PIXELS]);
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

function model(seed: number) {
  const init = (shape: [number, number], s: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / shape[0]), 'float32', s));
  const w1 = init([MNIST_PIXELS, HIDDEN], seed * 10 + 1);
  const b1 = tf.variable(tf.zeros([HIDDEN]));
  const w2 = init([HIDDEN, EMBEDDING], seed * 10 + 2);
  const b2 = tf.variable(tf.zeros([EMBEDDING]));
  const embed = (x: tf.Tensor) => tf.add(dense(tf.relu(tf.add(dense(x, w1), b1)), w2), b2);
  return { embed, variables: [w1, b1, w2, b2] };
}

async function run(
  name: string,
  loss: LossFn,
  seed: number,
  train: MnistSplit,
  test: { x: tf.Tensor; y: Int32Array },
) {
  const next = seededRandom(seed);
  const groups = [...byClass(train).values()];
  const { embed, variables } = model(seed);
  const optimizer = tf.train.adam(1e-3);
  const start = performance.now();
  for (let step = 0; step < STEPS; step++) {
    const index = groups.flatMap((g) =>
      Array.from({ length: PER_CLASS }, () => g[Math.floor(next() * g.length)]!),
    );
    const labels = index.map((i) => train.labels[i]!);
    tf.tidy(() => {
      const x = rows(train, index);
      const y = tf.tensor1d(labels, 'int32');
      optimizer.minimize(() => loss(embed(x), y) as tf.Scalar);
    });
  }
  const trainSeconds = (performance.now() - start) / 1000;
  const embeddings = tf.tidy(() => {
    const e = embed(test.x);
    return tf.div(e, tf.norm(e, 'euclidean', 1, true));
  });
  const e = embeddings.arraySync() as number[][];
  const y = Array.from(test.y);
  const result = {
    name,
    seed,
    mapAtR: mapAtR(e, y),
    p1: precisionAt1(e, y),
    opis: opis(e, y),
    epsOpis: epsilonOpis(e, y, { epsilon: 0.2 }),
    trainSeconds,
  };
  tf.dispose([embeddings, ...variables]);
  optimizer.dispose();
  return result;
}

await useBackend('wasm');
const t0 = performance.now();
const train = filterClasses(loadMnist('train', TRAIN_LIMIT), [0, 1, 2, 3, 4]);
const testAll = filterClasses(loadMnist('test'), [5, 6, 7, 8, 9]);
const testIndex = [...byClass(testAll).values()].flatMap((g) => g.slice(0, TEST_PER_CLASS));
const test = { x: rows(testAll, testIndex), y: Int32Array.from(testIndex.map((i) => testAll.labels[i]!)) };
console.log(machineLine());
console.log(
  `train: ${train.count} images of 0–4 (first ${TRAIN_LIMIT} of MNIST train); test: ${testIndex.length} images of 5–9; ` +
    `MLP 784-${HIDDEN}-${EMBEDDING}, Adam 1e-3, ${STEPS} steps of 5 × ${PER_CLASS}; embeddings L2-normalised for evaluation; ` +
    'OPIS: Euclidean, FAR range [0.01, 0.1], 101 thresholds; ε-OPIS with ε = 0.2 (1 of 5 classes)',
);
const results = [];
for (const [name, loss] of Object.entries(methods)) {
  for (const seed of SEEDS) {
    const r = await run(name, loss, seed, train, test);
    console.log(JSON.stringify(r));
    results.push(r);
  }
}
const stat = (v: number[]) => {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
  return `${m.toFixed(4)} ± ${sd.toFixed(4)}`;
};
console.log(
  '\n| loss | MAP@R | precision@1 | OPIS (×10³) | ε-OPIS (×10³) | train s/run |\n|---|---|---|---|---|---|',
);
for (const name of Object.keys(methods)) {
  const r = results.filter((x) => x.name === name);
  console.log(
    `| ${name} | ${stat(r.map((x) => x.mapAtR))} | ${stat(r.map((x) => x.p1))} | ${stat(r.map((x) => x.opis * 1e3))} | ${stat(r.map((x) => x.epsOpis * 1e3))} | ${stat(r.map((x) => x.trainSeconds))} |`,
  );
}
console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s`);
