// MW loss memory and time: the blocked custom gradient (this package) against a naive broadcast of
// every positive–negative pair, for an in-batch retrieval batch of B queries with B·(1 + h) passages.
// Run: npx tsx --conditions=@xent/source packages/retrieval/bench/mw-memory.ts
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { machineLine, peakMemory, ratioTable, time } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { mwLoss } from '../src/index.js';

await useBackend('wasm');
console.log(machineLine());
const hard = 1;
for (const batch of [64, 128]) {
  const passages = batch * (1 + hard);
  const scores = tf.randomNormal([batch, passages], 0, 0.3, 'float32', 1);
  const mask = tf.tidy(() => tf.concat([tf.eye(batch), tf.zeros([batch, passages - batch])], 1));
  const maskData = mask.dataSync();
  const posIndex = tf.tensor1d(
    Array.from(maskData).flatMap((m, i) => (m === 1 ? [i] : [])),
    'int32',
  );
  const negIndex = tf.tensor1d(
    Array.from(maskData).flatMap((m, i) => (m === 0 ? [i] : [])),
    'int32',
  );
  // Naive: all pair terms in one [|P|, |N|] tensor; its gradient w.r.t. the gathered score vectors.
  const naive = () =>
    tf.grads((pos: tf.Tensor, neg: tf.Tensor) =>
      tf.mean(tf.softplus(tf.mul(tf.sub(tf.expandDims(neg, 0), tf.expandDims(pos, 1)), 20))),
    )([tf.gather(tf.reshape(scores, [-1]), posIndex), tf.gather(tf.reshape(scores, [-1]), negIndex)]);
  const blocked = (blockElements: number) => () =>
    tf.grad((s: tf.Tensor) => mwLoss(s, mask, { scale: 20, blockElements, validate: false }))(scores);
  const rows = [];
  for (const [name, fn] of [
    ['naive broadcast', naive],
    ['mwLoss, block 4M (one block)', blocked(4_194_304)],
    ['mwLoss, block 256k (default)', blocked(262_144)],
    ['mwLoss, block 32k', blocked(32_768)],
  ] as const) {
    const t = await time(fn, { warmup: 1, iterations: 3 });
    const m = await peakMemory(fn);
    rows.push({
      name,
      values: {
        'ms (median)': t.median,
        'peak tensor bytes': m.peakTensorBytes,
        'peak RSS bytes': m.peakRssBytes,
      },
    });
  }
  ratioTable(
    `B = ${batch}, ${passages} passages: ${batch} positives × ${batch * passages - batch} negatives = ${(batch * (batch * passages - batch)).toLocaleString('en')} pairs, forward + gradient`,
    rows,
  );
  tf.dispose([scores, mask, posIndex, negIndex]);
}
