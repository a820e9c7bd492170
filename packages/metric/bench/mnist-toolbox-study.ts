// Open-world MNIST studies of issue 15 (train on digits 0–4, retrieve unseen 5–9; see mnist-common.ts):
//   losses — ArcFace and SoftTriple (learnable class weights) vs multi-similarity and triplet;
//   xbm    — crossBatchMemory at batch 32 vs plain batch 32 vs plain batch 256 (contrastive loss).
// Run: npx tsx --conditions @xent/source packages/metric/bench/mnist-toolbox-study.ts losses|xbm
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import type { MnistSplit } from '@xent/datasets';
import { seededRandom, useBackend } from '@xent/testing';
import {
  contrastiveLoss,
  createArcFaceLoss,
  createSoftTripleLoss,
  crossBatchMemory,
  multiSimilarityLoss,
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
  testEmbeddings,
} from './mnist-common.js';

const STEPS = 250;
const SEEDS = [1, 2, 3];
const o = { validate: false };

/** A method: a loss over (embeddings, labels), the batches it draws, and its own trainable state. */
interface Method {
  readonly loss: (e: tf.Tensor, y: tf.Tensor) => tf.Tensor;
  /** Trainable loss parameters (class weights), optimised by a second Adam at 10× the rate. */
  readonly lossVariables?: tf.Variable[];
  readonly dispose?: () => void;
}
type Sampler = (next: () => number) => number[];

/** Class-balanced batches: 5 classes × perClass. */
const balanced =
  (train: MnistSplit, perClass: number): Sampler =>
  (next) => {
    const groups = [...byClass(train).values()];
    return groups.flatMap((g) => Array.from({ length: perClass }, () => g[Math.floor(next() * g.length)]!));
  };
/** Uniformly random batches of `size` training images. */
const uniform =
  (train: MnistSplit, size: number): Sampler =>
  (next) =>
    Array.from({ length: size }, () => Math.floor(next() * train.count));

async function run(
  name: string,
  make: (seed: number) => Method,
  sample: Sampler,
  seed: number,
  train: MnistSplit,
  test: { x: tf.Tensor; y: Int32Array },
) {
  const next = seededRandom(seed);
  const { embed, variables } = model(seed);
  const method = make(seed);
  const optimizer = tf.train.adam(1e-3);
  const lossOptimizer = tf.train.adam(1e-2);
  const start = performance.now();
  for (let step = 0; step < STEPS; step++) {
    const index = sample(next);
    tf.tidy(() => {
      const x = rows(train, index);
      const y = tf.tensor1d(
        index.map((i) => train.labels[i]!),
        'int32',
      );
      const all = [...variables, ...(method.lossVariables ?? [])];
      const { grads } = tf.variableGrads(() => method.loss(embed(x), y) as tf.Scalar, all);
      optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
      if (method.lossVariables)
        lossOptimizer.applyGradients(
          method.lossVariables.map((v) => ({ name: v.name, tensor: grads[v.name]! })),
        );
    });
  }
  const trainSeconds = (performance.now() - start) / 1000;
  const { e, y } = testEmbeddings(embed, test);
  const result = { name, seed, ...retrieval(e, y), trainSeconds };
  tf.dispose(variables);
  method.dispose?.();
  optimizer.dispose();
  lossOptimizer.dispose();
  return result;
}

const study = process.argv[2];
if (study !== 'losses' && study !== 'xbm') throw new Error('usage: mnist-toolbox-study.ts losses|xbm');
await useBackend('wasm');
const t0 = performance.now();
const { train, test } = openWorldMnist();
const classes = 5;
const methods: [string, (seed: number) => Method, Sampler][] =
  study === 'losses'
    ? [
        [
          'triplet (m 0.1, all triplets)',
          () => ({ loss: (e, y) => tripletMarginLoss(e, y, { margin: 0.1, ...o }) }),
          balanced(train, 24),
        ],
        [
          'multi-similarity (2, 50, 0.5)',
          () => ({ loss: (e, y) => multiSimilarityLoss(e, y, o) }),
          balanced(train, 24),
        ],
        [
          'ArcFace (28.6°, s 64)',
          (seed) => {
            const arc = createArcFaceLoss({ numClasses: classes, embeddingSize: EMBEDDING, seed });
            return {
              loss: (e, y) => arc.loss(e, y, o),
              lossVariables: [arc.variables.classWeights],
              dispose: () => arc.variables.classWeights.dispose(),
            };
          },
          balanced(train, 24),
        ],
        [
          'SoftTriple (K 10, λ 20, γ 0.1, δ 0.01)',
          (seed) => {
            const soft = createSoftTripleLoss({ numClasses: classes, embeddingSize: EMBEDDING, seed });
            return {
              loss: (e, y) => soft.loss(e, y, o),
              lossVariables: [soft.variables.classWeights],
              dispose: () => soft.variables.classWeights.dispose(),
            };
          },
          balanced(train, 24),
        ],
      ]
    : [
        ['contrastive, batch 32', () => ({ loss: (e, y) => contrastiveLoss(e, y, o) }), uniform(train, 32)],
        [
          'contrastive, batch 32 + crossBatchMemory 512',
          () => {
            const xbm = crossBatchMemory(contrastiveLoss, { embeddingSize: EMBEDDING, memorySize: 512 });
            return { loss: (e, y) => xbm.loss(e, y, o), dispose: () => xbm.dispose() };
          },
          uniform(train, 32),
        ],
        ['contrastive, batch 256', () => ({ loss: (e, y) => contrastiveLoss(e, y, o) }), uniform(train, 256)],
      ];
console.log(machineLine());
console.log(
  `study ${study}: train ${train.count} images of 0–4; test ${test.y.length} images of 5–9; MLP 784-${HIDDEN}-${EMBEDDING}, ` +
    `Adam 1e-3 (class weights: Adam 1e-2), ${STEPS} steps, seeds ${SEEDS.join(', ')}; test embeddings L2-normalised`,
);
const results = [];
for (const [name, make, sample] of methods) {
  for (const seed of SEEDS) {
    const r = await run(name, make, sample, seed, train, test);
    console.log(JSON.stringify(r));
    results.push(r);
  }
}
console.log('\n| method | MAP@R | precision@1 | train s/run |\n|---|---|---|---|');
for (const [name] of methods) {
  const r = results.filter((x) => x.name === name);
  console.log(
    `| ${name} | ${stat(r.map((x) => x.mapAtR))} | ${stat(r.map((x) => x.p1))} | ${stat(r.map((x) => x.trainSeconds))} |`,
  );
}
console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s`);
