// Forward+backward of every case in bench/cases.ts on the wasm backend, as ratios against
// tf.losses.softmaxCrossEntropy on one-hot labels measured in the same run.
//   node --expose-gc --conditions=@xent/source --import tsx packages/losses/bench/forward-backward.ts [filter]
import * as tf from '@tensorflow/tfjs';
import { type BenchRow, machineLine, peakMemory, ratioTable, time } from '@xent/bench';
import { oneHot } from '@xent/core';
import { useBackend } from '@xent/testing';
import { type BenchCase, type BenchInputs, baseline, baselineWithOneHot, cases } from './cases.js';

const SIZES = [
  [1024, 1000],
  [256, 32000],
] as const;
const filter = process.argv[2];

async function measure(entry: BenchCase, inputs: BenchInputs): Promise<BenchRow> {
  const run = () => tf.grad((x: tf.Tensor) => entry.fn(x, inputs))(inputs.logits);
  const timing = await time(run, { warmup: 1, iterations: 15 });
  const memory = await peakMemory(run);
  return {
    name: `${entry.target === 'ce' ? '**' : ''}${entry.name}${entry.target === 'ce' ? '**' : ''}`,
    values: {
      'median ms': timing.median,
      'min ms': timing.min,
      'peak tensor bytes': memory.peakTensorBytes,
      'peak RSS bytes': memory.peakRssBytes,
    },
  };
}

async function main(): Promise<void> {
  if (!(await useBackend('wasm'))) throw new Error('wasm backend unavailable');
  console.log(`Machine: ${machineLine()}\n`);
  const selected = cases.filter((c) => !filter || c.name.includes(filter));
  for (const [n, c] of SIZES) {
    const logits = tf.randomNormal([n, c], 0, 2, 'float32', 7) as tf.Tensor2D;
    const labels = tf.randomUniform([n], 0, c, 'int32', 8) as tf.Tensor1D;
    const inputs: BenchInputs = {
      logits,
      labels,
      oneHot: oneHot(labels, c) as tf.Tensor2D,
      indices: tf.range(0, n, 1, 'int32') as tf.Tensor1D,
    };
    const entries = [baseline, baselineWithOneHot, ...selected];
    // One untimed pass first: the wasm heap grows to its peak once, not inside whoever is measured first.
    for (const entry of entries) tf.dispose(tf.grad((x: tf.Tensor) => entry.fn(x, inputs))(inputs.logits));
    const rows: BenchRow[] = [];
    for (const entry of entries) rows.push(await measure(entry, inputs));
    ratioTable(`wasm, forward+backward, N=${n}, C=${c}`, rows, rows[0]!.name);
    tf.dispose([inputs.logits, inputs.labels, inputs.oneHot, inputs.indices]);
  }
}

await main();
