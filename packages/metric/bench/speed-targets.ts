// The speed targets of issues 15/18 (≤ 3× one B×B similarity matmul + its gradient, measured in the same
// run, wall and CPU time): all-triplet triplet loss, multi-similarity + TCM, cross-batch memory. B = 512, D = 128, wasm.
// Run: npx tsx --conditions @xent/source packages/metric/bench/speed-targets.ts [--rounds=15]
import * as tf from '@tensorflow/tfjs';
import { machineLine, ratioTable } from '@xent/bench';
import { dotProduct, matMulBT } from '@xent/core';
import { randomNormal, useBackend } from '@xent/testing';
import {
  contrastiveLoss,
  crossBatchMemory,
  multiSimilarityLoss,
  sharePairwise,
  tcmLoss,
  tripletMarginLoss,
} from '../src/index.js';

await useBackend('wasm');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 15);
const B = 512;
const D = 128;
const e = tf.tensor(randomNormal([B, D], 1) as number[][]);
const e2 = tf.tensor(randomNormal([B, D], 2) as number[][]);
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
    [
      'B×B similarity matmul + grad (core dotProduct: Gram matrix, one backward product)',
      grad((x) => tf.sum(dotProduct(x))),
    ],
    // Rounds 1–4's baseline: dotProduct(x) then differentiated both operands (three products).
    [
      'B×B product of two operands + both gradients (rounds 1–4 baseline)',
      () => tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.sum(matMulBT(x, z)))([e, e2]),
    ],
    ['tripletMarginLoss (all triplets)', grad((x) => tripletMarginLoss(x, y, o))],
    [
      'tripletMarginLoss (all triplets, smoothLoss: blocked path)',
      grad((x) => tripletMarginLoss(x, y, { ...o, smoothLoss: true })),
    ],
    ['multiSimilarityLoss', grad((x) => multiSimilarityLoss(x, y, o))],
    ['tcmLoss', grad((x) => tcmLoss(x, y, o))],
    ['multiSimilarityLoss + tcmLoss', grad((x) => tf.add(multiSimilarityLoss(x, y, o), tcmLoss(x, y, o)))],
    [
      'multiSimilarityLoss + tcmLoss in sharePairwise',
      grad((x) => sharePairwise(() => tf.add(multiSimilarityLoss(x, y, o), tcmLoss(x, y, o)))),
    ],
    ['crossBatchMemory(contrastiveLoss), memory 1024', grad((x) => xbm.loss(x, y, o))],
  ];
  // Alternating rounds (every case once per round, one call each): on a shared machine a load swing
  // then hits every case alike. Per call: wall time and the process's CPU time (tfjs-wasm runs on this
  // thread; CPU time is far less disturbed by other load, but counts V8's helper threads too).
  const wall = cases.map(() => [] as number[]);
  const cpu = cases.map(() => [] as number[]);
  for (const [, fn] of cases) tf.dispose(fn() as tf.Tensor); // warm-up
  for (let round = 0; round < rounds; round++)
    cases.forEach(([, fn], k) => {
      const [before, start] = [process.cpuUsage(), performance.now()];
      tf.dispose(fn() as tf.Tensor);
      wall[k]!.push(performance.now() - start);
      const used = process.cpuUsage(before);
      cpu[k]!.push((used.user + used.system) / 1000);
    });
  const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
  const rows = cases.map(([name], k) => ({
    name,
    values: {
      'min ms': sorted(wall[k]!)[0]!,
      'median ms': sorted(wall[k]!)[Math.floor(rounds / 2)]!,
      'min cpu ms': sorted(cpu[k]!)[0]!,
    },
  }));
  ratioTable(`B = ${B}, D = ${D}, ${classes} classes × ${B / classes} per class (wasm, fwd + bwd)`, rows);
  xbm.dispose();
  y.dispose();
}
