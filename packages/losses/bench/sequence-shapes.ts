// crossEntropyLoss on language-model shapes [B, T, V] with ids [B, T] (core flattens the leading dims)
// against the reshape-by-hand baseline (reshape to [B·T, V] / [B·T] yourself, reshape 'none' back), on
// the wasm backend: forward+backward time (paired ratio per round) and peak tensor bytes.
//   node --expose-gc --conditions=@xent/source --import tsx packages/losses/bench/sequence-shapes.ts
import * as tf from '@tensorflow/tfjs';
import { type BenchRow, machineLine, peakMemory, ratioTable, timePaired } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { crossEntropyLoss } from '../src/index.js';

const SIZES = [
  [8, 128, 1000],
  [4, 64, 8000],
] as const;
const ROUNDS = Number(process.env.ROUNDS ?? 15);

type Entry = { name: string; fn: (x: tf.Tensor, labels: tf.Tensor) => tf.Tensor };
const options = { ignoreIndex: -100, labelSmoothing: 0.1, validate: false } as const;
const flat = (x: tf.Tensor) => tf.reshape(x, [-1, x.shape[x.rank - 1]!]);
const entries: Entry[] = [
  {
    name: 'reshape by hand, mean',
    fn: (x, labels) => crossEntropyLoss(flat(x), tf.reshape(labels, [-1]), options),
  },
  { name: '[B, T, V] as is, mean', fn: (x, labels) => crossEntropyLoss(x, labels, options) },
  {
    name: "reshape by hand, 'none' → [B, T]",
    fn: (x, labels) =>
      tf.sum(
        tf.reshape(
          crossEntropyLoss(flat(x), tf.reshape(labels, [-1]), { ...options, reduction: 'none' }),
          labels.shape,
        ),
      ),
  },
  {
    name: "[B, T, V] as is, 'none' → [B, T]",
    fn: (x, labels) => tf.sum(crossEntropyLoss(x, labels, { ...options, reduction: 'none' })),
  },
];

async function main(): Promise<void> {
  if (!(await useBackend('wasm'))) throw new Error('wasm backend unavailable');
  console.log(`Machine: ${machineLine()}\n`);
  for (const [b, t, v] of SIZES) {
    const logits = tf.randomNormal([b, t, v], 0, 2, 'float32', 7);
    // ~10% of the positions ignored (padding), as in a batch of variable-length sequences.
    const raw = tf.randomUniform([b, t], 0, v, 'int32', 8);
    const pad = tf.less(tf.randomUniform([b, t], 0, 1, 'float32', 9), 0.1);
    const labels = tf.where(pad, tf.fill([b, t], -100, 'int32'), raw);
    const runOf = (e: Entry) => () => tf.grad((x: tf.Tensor) => e.fn(x, labels))(logits);
    for (const e of entries) tf.dispose(runOf(e)());
    const base = entries[0]!;
    const rows: BenchRow[] = [];
    for (const entry of entries) {
      const timing = await timePaired(runOf(base), runOf(entry), ROUNDS);
      const memory = await peakMemory(runOf(entry));
      rows.push({
        name: entry.name,
        values: {
          'median ms': timing.median,
          'min ms': timing.min,
          'paired time ratio': timing.pairedRatio,
          'peak tensor bytes': memory.peakTensorBytes,
        },
      });
    }
    ratioTable(`wasm, forward+backward, B=${b}, T=${t}, V=${v} (ε = 0.1, ~10% ignored)`, rows, base.name);
    tf.dispose([logits, raw, pad, labels]);
  }
}

await main();
