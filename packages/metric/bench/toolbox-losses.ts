// Forward + backward of the PML-toolbox losses added for issue 15 at B = 512, D = 128 on wasm, as a
// ratio to one B×B similarity matmul + its gradient measured in the same run (as bench/losses.ts).
// Run: npx tsx --conditions @xent/source packages/metric/bench/toolbox-losses.ts
import * as tf from '@tensorflow/tfjs';
import { machineLine, ratioTable, time } from '@xent/bench';
import { dotProduct } from '@xent/core';
import { randomNormal, useBackend } from '@xent/testing';
import {
  angularLoss,
  arcFaceLoss,
  contrastiveLoss,
  cosFaceLoss,
  crossBatchMemory,
  fastApLoss,
  generalizedLiftedStructureLoss,
  histogramLoss,
  instanceLoss,
  intraPairVarianceLoss,
  largeMarginSoftmaxLoss,
  liftedStructureLoss,
  ncaLoss,
  normalizedSoftmaxLoss,
  proxyNcaLoss,
  softTripleLoss,
  sphereFaceLoss,
  subCenterArcFaceLoss,
} from '../src/index.js';

await useBackend('wasm');
const B = 512;
const D = 128;
const C = 128;
const e = tf.tensor(randomNormal([B, D], 1) as number[][]);
const w = tf.tensor(randomNormal([C, D], 2) as number[][]);
const w3 = tf.tensor(randomNormal([C * 3, D], 3) as number[][]);
const w10 = tf.tensor(randomNormal([C * 10, D], 4) as number[][]);
const y = tf.tensor1d(
  Array.from({ length: B }, (_, i) => i % C),
  'int32',
);
const o = { validate: false };
const grad = (f: (x: tf.Tensor) => tf.Tensor) => () => tf.grad((x: tf.Tensor) => f(x) as tf.Scalar)(e);
// Cross-batch memory of 1024 rows, pre-filled, then one step per call (memory grows by the batch).
const xbm = crossBatchMemory(contrastiveLoss, { embeddingSize: D, memorySize: 1024 });
xbm.loss(tf.tensor(randomNormal([B, D], 5) as number[][]), y).dispose();
xbm.loss(tf.tensor(randomNormal([B, D], 6) as number[][]), y).dispose();

const cases: [string, () => unknown][] = [
  ['B×B similarity matmul + grad (core dotProduct)', grad((x) => tf.sum(dotProduct(x)))],
  ['arcFaceLoss (C 128)', grad((x) => arcFaceLoss(x, y, w, o))],
  ['cosFaceLoss (C 128)', grad((x) => cosFaceLoss(x, y, w, o))],
  ['sphereFaceLoss (C 128)', grad((x) => sphereFaceLoss(x, y, w, o))],
  ['largeMarginSoftmaxLoss (C 128)', grad((x) => largeMarginSoftmaxLoss(x, y, w, o))],
  ['normalizedSoftmaxLoss (C 128)', grad((x) => normalizedSoftmaxLoss(x, y, w, o))],
  ['proxyNcaLoss (C 128)', grad((x) => proxyNcaLoss(x, y, w, o))],
  ['subCenterArcFaceLoss (C 128 × 3)', grad((x) => subCenterArcFaceLoss(x, y, w3, o))],
  ['softTripleLoss (C 128 × 10)', grad((x) => softTripleLoss(x, y, w10, o))],
  ['liftedStructureLoss', grad((x) => liftedStructureLoss(x, y, o))],
  ['generalizedLiftedStructureLoss', grad((x) => generalizedLiftedStructureLoss(x, y, o))],
  ['ncaLoss', grad((x) => ncaLoss(x, y, o))],
  ['angularLoss', grad((x) => angularLoss(x, y, o))],
  ['intraPairVarianceLoss', grad((x) => intraPairVarianceLoss(x, y, o))],
  ['fastApLoss (10 bins)', grad((x) => fastApLoss(x, y, o))],
  ['instanceLoss', grad((x) => instanceLoss(x, y, o))],
  ['histogramLoss (100 bins)', grad((x) => histogramLoss(x, y, o))],
  ['crossBatchMemory(contrastiveLoss), memory 1024', grad((x) => xbm.loss(x, y, o))],
];
const rows = [];
for (const [name, fn] of cases) {
  const t = await time(fn, { warmup: 1, iterations: 5 });
  rows.push({ name, values: { 'min ms': t.min, 'median ms': t.median } });
}
console.log(machineLine());
ratioTable(`B = ${B}, D = ${D}, ${C} classes × ${B / C} per class (wasm, fwd + bwd)`, rows);
xbm.dispose();
