// Open-world MNIST: train a small embedding MLP on digits 0–4, evaluate retrieval on unseen 5–9.
// Run: npx tsx --conditions @xent/source packages/metric/bench/mnist-open-world.ts
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import type { MnistSplit } from '@xent/datasets';
import { seededRandom, useBackend } from '@xent/testing';
import {
  epsilonOpis,
  marginLoss,
  multiSimilarityLoss,
  opis,
  tcmLoss,
  tripletMarginLoss,
} from '../src/index.js';
import {
  byClass,
  EMBEDDING,
  HIDDEN,
  model,
  openWorldMnist,
  retrieval,
  rows,
  stat,
  TRAIN_LIMIT,
  testEmbeddings,
} from './mnist-common.js';

const STEPS = 250;
const PER_CLASS = 24; // batch = 5 classes × 24 = 120
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
  const { e, y } = testEmbeddings(embed, test);
  const result = {
    name,
    seed,
    ...retrieval(e, y),
    opis: opis(e, y),
    epsOpis: epsilonOpis(e, y, { epsilon: 0.2 }),
    trainSeconds,
  };
  tf.dispose(variables);
  optimizer.dispose();
  return result;
}

await useBackend('wasm');
const t0 = performance.now();
const { train, test } = openWorldMnist();
console.log(machineLine());
console.log(
  `train: ${train.count} images of 0–4 (first ${TRAIN_LIMIT} of MNIST train); test: ${test.y.length} images of 5–9; ` +
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
