// The speed targets of issues 15/18 (≤ 3× one B×B similarity matmul + its gradient, measured in the same
// run, wall and CPU time): all-triplet triplet loss, multi-similarity + TCM, cross-batch memory. B = 512, D = 128, wasm.
// Run: npx tsx --conditions @xent/source packages/metric/bench/speed-targets.ts
import * as tf from '@tensorflow/tfjs';
import { machineLine, ratioTable, time } from '@xent/bench';
import { dotProduct } from '@xent/core';
import { randomNormal, useBackend } from '@xent/testing';
import {
  contrastiveLoss,
  crossBatchMemory,
  multiSimilarityLoss,
  tcmLoss,
  tripletMarginLoss,
} from '../src/index.js';

await useBackend('wasm');
const B = 512;
const D = 128;
const e = tf.tensor(randomNormal([B, D], 1) as number[][]);
const o = { validate: false };
const grad = (f: (x: tf.Tensor) => tf.Tensor) => () => tf.grad((x: tf.Tensor) => f(x) as tf.Scalar)(e);

console.log(machineLine());
for (const classes of [128, 16]) {
  const y = tf.tensor1d(
    Array.from({ length: B }, (_, i) => i % classes),
    'int32',
  );
  // Cross-batch memory of 1024 rows, pre-filled, then one step per call.
  const xbm = crossBatchMemory(contrastiveLoss, { embeddingSize: D, memorySize: 1024 });
  for (const seed of [5, 6]) xbm.loss(tf.tensor(randomNormal([B, D], seed) as number[][]), y).dispose();
  const cases: [string, () => unknown][] = [
    ['B×B similarity matmul + grad (core dotProduct)', grad((x) => tf.sum(dotProduct(x)))],
    ['tripletMarginLoss (all triplets)', grad((x) => tripletMarginLoss(x, y, o))],
    [
      'tripletMarginLoss (all triplets, smoothLoss: blocked path)',
      grad((x) => tripletMarginLoss(x, y, { ...o, smoothLoss: true })),
    ],
    ['multiSimilarityLoss', grad((x) => multiSimilarityLoss(x, y, o))],
    ['tcmLoss', grad((x) => tcmLoss(x, y, o))],
    ['multiSimilarityLoss + tcmLoss', grad((x) => tf.add(multiSimilarityLoss(x, y, o), tcmLoss(x, y, o)))],
    ['crossBatchMemory(contrastiveLoss), memory 1024', grad((x) => xbm.loss(x, y, o))],
  ];
  const rows = [];
  for (const [name, fn] of cases) {
    const t = await time(fn, { warmup: 1, iterations: 7 });
    // CPU time of the process (tfjs-wasm runs on this thread): far less disturbed by a shared machine.
    const before = process.cpuUsage();
    for (let i = 0; i < 5; i++) tf.dispose(fn() as tf.Tensor);
    const cpu = process.cpuUsage(before);
    rows.push({
      name,
      values: { 'min ms': t.min, 'median ms': t.median, 'cpu ms': (cpu.user + cpu.system) / 5000 },
    });
  }
  ratioTable(`B = ${B}, D = ${D}, ${classes} classes × ${B / classes} per class (wasm, fwd + bwd)`, rows);
  xbm.dispose();
  y.dispose();
}
