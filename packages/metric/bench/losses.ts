// Forward + backward of each loss at B = 512, D = 128 on wasm, as a ratio to one B×B similarity
// matmul + its gradient measured in the same run.
// Run: npx tsx --conditions @xent/source packages/metric/bench/losses.ts
import * as tf from '@tensorflow/tfjs';
import { machineLine, peakMemory, ratioTable, time } from '@xent/bench';
import { dotProduct } from '@xent/core';
import { randomNormal, useBackend } from '@xent/testing';
import {
  batchHardMiner,
  circleLoss,
  contrastiveLoss,
  icnnLoss,
  marginLoss,
  metrixContrastiveLoss,
  metrixMultiSimilarityLoss,
  multiSimilarityLoss,
  ntXentLoss,
  protoTripletLoss,
  proxyAnchorLoss,
  supConLoss,
  tcmLoss,
  tripletMarginLoss,
} from '../src/index.js';

await useBackend('wasm');
const B = 512;
const D = 128;
const e = tf.tensor(randomNormal([B, D], 1) as number[][]);
const proxies = tf.tensor(randomNormal([128, D], 2) as number[][]);
const mixed = tf.tensor(randomNormal([4096, D], 3) as number[][]);
const mixAnchors = tf.tensor1d(
  Array.from({ length: 4096 }, (_, i) => i % B),
  'int32',
);
const mixTargets = tf.tensor1d(
  Array.from({ length: 4096 }, (_, i) => (i % 7) / 7),
  'float32',
);

const grad = (f: (x: tf.Tensor) => tf.Tensor) => () => tf.grad((x: tf.Tensor) => f(x) as tf.Scalar)(e);

async function suite(classes: number) {
  const y = tf.tensor1d(
    Array.from({ length: B }, (_, i) => i % classes),
    'int32',
  );
  const o = { validate: false };
  const cases: [string, () => unknown][] = [
    ['B×B similarity matmul + grad (core dotProduct)', grad((x) => tf.sum(dotProduct(x)))],
    ['  (same with tf.matMul(x, x, false, true))', grad((x) => tf.sum(tf.matMul(x, x, false, true)))],
    ['tripletMarginLoss (all triplets)', grad((x) => tripletMarginLoss(x, y, o))],
    [
      'tripletMarginLoss + batchHardMiner',
      grad((x) => tripletMarginLoss(x, y, { ...o, miner: batchHardMiner() })),
    ],
    ['contrastiveLoss', grad((x) => contrastiveLoss(x, y, o))],
    ['marginLoss', grad((x) => marginLoss(x, y, o))],
    ['multiSimilarityLoss (ε-mining)', grad((x) => multiSimilarityLoss(x, y, o))],
    ['multiSimilarityLoss + tcmLoss', grad((x) => tf.add(multiSimilarityLoss(x, y, o), tcmLoss(x, y, o)))],
    ['tcmLoss', grad((x) => tcmLoss(x, y, o))],
    ['circleLoss', grad((x) => circleLoss(x, y, o))],
    ['supConLoss', grad((x) => supConLoss(x, y, o))],
    ['ntXentLoss', grad((x) => ntXentLoss(x, y, o))],
    ['proxyAnchorLoss (128 proxies)', grad((x) => proxyAnchorLoss(x, y, proxies, o))],
    ['protoTripletLoss (128 prototypes)', grad((x) => protoTripletLoss(x, y, proxies, o))],
    ['icnnLoss (k 4)', grad((x) => icnnLoss(x, y, o))],
    [
      'metrixContrastiveLoss (M 4096)',
      grad((x) => metrixContrastiveLoss(x, mixed, mixAnchors, mixTargets, o)),
    ],
    [
      'metrixMultiSimilarityLoss (M 4096)',
      grad((x) => metrixMultiSimilarityLoss(x, mixed, mixAnchors, mixTargets, o)),
    ],
  ];
  const rows = [];
  for (const [name, fn] of cases) {
    const t = await time(fn, { warmup: 1, iterations: 7 });
    const row: Record<string, number> = { 'min ms': t.min, 'median ms': t.median };
    if (name.startsWith('tripletMarginLoss (all') || name.startsWith('B×B')) {
      const memory = await peakMemory(fn);
      row['peak tensor bytes'] = memory.peakTensorBytes;
    }
    rows.push({ name, values: row });
  }
  ratioTable(`B = ${B}, D = ${D}, ${classes} classes × ${B / classes} per class (wasm, fwd + bwd)`, rows);
  y.dispose();
}

console.log(machineLine());
await suite(128);
await suite(16);
