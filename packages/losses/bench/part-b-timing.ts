// Forward+backward timing of the cases in cases.ts against tf.losses.softmaxCrossEntropy, measured in
// the same run on the wasm backend. `npx tsx packages/losses/bench/part-b-timing.ts [name-filter]`.
// (Part B's runner; part A's bench/forward-backward.ts, when it lands, runs the same cases.)
import * as tf from '@tensorflow/tfjs';
import { type BenchRow, machineLine, ratioTable, time } from '@xent/bench';
import { randomInts, useBackend } from '@xent/testing';
import { type BenchCase, type BenchInputs, baseline, cases } from './cases.js';

const filter = process.argv[2];
const sizes: readonly [number, number][] = [
  [1024, 1000],
  [256, 32000],
];

async function main(): Promise<void> {
  if (!(await useBackend('wasm'))) throw new Error('wasm backend unavailable');
  console.log(machineLine());
  const selected = cases.filter((c) => !filter || c.name.includes(filter));
  for (const [n, c] of sizes) {
    const inputs: BenchInputs = tf.tidy(() => {
      const labels = tf.tensor1d(randomInts(n, c, 7), 'int32');
      return {
        logits: tf.randomNormal([n, c], 0, 2, 'float32', 3) as tf.Tensor2D,
        labels,
        oneHot: tf.oneHot(labels, c).toFloat() as tf.Tensor2D,
      };
    });
    const forwardBackward = (benchCase: BenchCase) => () =>
      tf.grad((x: tf.Tensor) => benchCase.fn(x as tf.Tensor2D, inputs))(inputs.logits);
    const rows: BenchRow[] = [];
    for (const benchCase of [baseline, ...selected]) {
      const timing = await time(forwardBackward(benchCase), { warmup: 2, iterations: 7 });
      rows.push({ name: benchCase.name, values: { 'fwd+bwd ms': timing.median } });
    }
    ratioTable(`N=${n}, C=${c} (wasm, median of 7)`, rows);
    tf.dispose([inputs.logits, inputs.labels, inputs.oneHot]);
  }
}

await main();
