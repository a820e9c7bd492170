// Forward+backward of every case in bench/cases.ts on the wasm backend, as ratios against
// tf.losses.softmaxCrossEntropy on one-hot labels measured in the same run (and, per round, right
// before each case: the 'paired time ratio' column, robust to load from other processes).
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

const ROUNDS = 11;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Times `entry` in ROUNDS rounds, each running the baseline once and then the entry once, so that load
 * from other processes hits both alike: the paired ratio is the median of the per-round ratios.
 */
async function measure(entry: BenchCase, inputs: BenchInputs): Promise<BenchRow> {
  const runOf = (c: BenchCase) => () => tf.grad((x: tf.Tensor) => c.fn(x, inputs))(inputs.logits);
  const caseTimes: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = await time(runOf(baseline), { warmup: 0, iterations: 1 });
    const own = await time(runOf(entry), { warmup: 0, iterations: 1 });
    caseTimes.push(own.median);
    ratios.push(own.median / base.median);
  }
  const memory = await peakMemory(runOf(entry));
  return {
    name: `${entry.target === 'ce' ? '**' : ''}${entry.name}${entry.target === 'ce' ? '**' : ''}`,
    values: {
      'median ms': median(caseTimes),
      'min ms': Math.min(...caseTimes),
      'paired time ratio': median(ratios),
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
