/**
 * `shift` vs slicing by hand (issue 16): next-token loss of hidden states [B, T, D] against the same
 * tokens [B, T], forward + backward (gradients of E and C), on wasm (or cpu).
 *
 *   pnpm script packages/cce/bench/shift.ts [--backend=wasm] [--b=4] [--t=512] [--d=256] [--v=8000] [--rounds=5]
 *
 * - `shift: 1`: the op reads E in place and moves only the [B, T] targets;
 * - by hand: `linearCrossEntropy(E[:, :T−1], C, y[:, 1:])`, i.e. `tf.slice` copies E (and its gradient
 *   pads dE back to [B, T, D], another copy).
 * Bytes: the wasm heap's peak of live buffers above the start (each malloc once; views not counted
 * again), and tf.profile's peak tensor bytes (counts views again). Time: paired rounds (each round
 * runs both), median of the per-round ratio.
 */
import * as tf from '@tensorflow/tfjs';
import { machineLine, peakMemory, timePaired } from '@xent/bench';
import { useBackend } from '@xent/testing';
import '../src/cpu.js';
import { linearCrossEntropy } from '../src/index.js';
import { peakHeapBytes } from './heap.js';
import { args } from './problems.js';

const a = args();
const backend = (a.backend ?? 'wasm') as 'wasm' | 'cpu';
const [b, t, d, v] = [Number(a.b ?? 4), Number(a.t ?? 512), Number(a.d ?? 256), Number(a.v ?? 8000)];
const rounds = Number(a.rounds ?? 5);
if (!(await useBackend(backend))) throw new Error(`no ${backend}`);

const s = 1 / Math.sqrt(d);
const e = tf.randomNormal([b, t, d], 0, s, 'float32', 1);
const c = tf.randomNormal([v, d], 0, s, 'float32', 2);
const y = tf.randomUniform([b, t], 0, v, 'int32', 3);
const options = { validate: false } as const;

const viaShift = () => {
  const { value, grads } = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) =>
    linearCrossEntropy(x, w, y, { ...options, shift: 1 }),
  )([e, c]);
  return [value, ...grads];
};
const byHand = () => {
  const { value, grads } = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) =>
    linearCrossEntropy(tf.slice(x, [0, 0, 0], [b, t - 1, d]), w, tf.slice(y, [0, 1], [b, t - 1]), options),
  )([e, c]);
  return [value, ...grads];
};

// Same value and gradients first.
tf.tidy(() => {
  const [one, two] = [viaShift(), byHand()];
  const diff = one.map((x, i) => tf.max(tf.abs(tf.sub(x, two[i]!))).dataSync()[0]!);
  console.log(`max |shift − by hand| over loss, dE, dC: ${diff.map((x) => x.toExponential(1)).join(', ')}`);
});
await timePaired(byHand, viaShift, 1); // warm-up
const mib = (x: number) => (x / 2 ** 20).toFixed(2);
const rows: string[] = [];
for (const [name, fn] of [
  ['shift: 1', viaShift],
  ['slice by hand', byHand],
] as const) {
  const heap = backend === 'wasm' ? await peakHeapBytes(fn) : Number.NaN;
  const profile = await peakMemory(fn);
  rows.push(`| ${name} | ${mib(heap)} | ${mib(profile.peakTensorBytes)} |`);
}
const timing = await timePaired(byHand, viaShift, rounds);
// Process CPU time per call too (the machine is shared: wall time is inflated by other jobs).
const cpuMs = async (fn: () => tf.Tensor[]) => {
  const start = process.cpuUsage();
  const out = fn();
  await Promise.all(out.map((x) => x.data()));
  tf.dispose(out);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const cpuRatios: number[] = [];
const cpuShift: number[] = [];
for (let round = 0; round < rounds; round++) {
  const base = await cpuMs(byHand);
  const own = await cpuMs(viaShift);
  cpuShift.push(own);
  cpuRatios.push(own / base);
}
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
console.log(machineLine());
console.log(
  `B=${b} T=${t} D=${d} V=${v}; E = ${mib(4 * b * t * d)} MiB; backend ${backend}; forward + backward (dE, dC)`,
);
console.log('| variant | peak heap MiB | peak tensor MiB |\n|---|---|---|');
for (const row of rows) console.log(row);
console.log(
  `wall time: shift ${timing.median.toFixed(0)} ms median, ${timing.pairedRatio.toFixed(3)}× slicing by hand (median of ${rounds} paired rounds)`,
);
console.log(
  `CPU time: shift ${median(cpuShift).toFixed(0)} ms median, ${median(cpuRatios).toFixed(3)}× slicing by hand (median of ${rounds} paired rounds)`,
);
tf.dispose([e, c, y]);
