/**
 * Forward + backward time: dense tfjs baseline vs linearCrossEntropy, on random (init-like) and peaked
 * (trained-like) logits.
 * npx tsx packages/cce/bench/time.ts --backend=wasm --n=2048 --v=32000 --d=256 [--iterations=3] [--impls=auto,chunked]
 */
import * as tf from '@tensorflow/tfjs';
import { machineLine, ratioTable, time } from '@xent/bench';
import { useBackend } from '@xent/testing';
import '../src/cpu.js';
import type { LinearCrossEntropyOptions } from '../src/index.js';
import { args, cceForwardBackward, denseForwardBackward, makeProblem } from './problems.js';

const a = args();
const backend = (a.backend ?? 'wasm') as 'wasm' | 'cpu';
const [n, v, d] = [Number(a.n ?? 2048), Number(a.v ?? 32000), Number(a.d ?? 256)];
const iterations = Number(a.iterations ?? 3);
const warmup = Number(a.warmup ?? 1);
/** Median wall time, and process CPU time per run (the machine is shared: CPU time is the steadier number). */
async function measure(fn: () => unknown) {
  const before = process.cpuUsage();
  const t = await time(fn, { warmup, iterations });
  const used = process.cpuUsage(before);
  return { wall: t.median, cpu: (used.user + used.system) / 1e3 / (warmup + iterations) };
}
if (!(await useBackend(backend))) throw new Error(`no ${backend}`);
console.log(machineLine());
const gflop = (6 * n * v * d) / 1e9; // dense forward + backward matmul work
const valuesOf = (m: { wall: number; cpu: number }) => ({
  'wall ms': m.wall,
  'CPU ms': m.cpu,
  'GFLOP/s (6NVD / CPU time)': gflop / (m.cpu / 1e3),
});
const kinds = (a.kinds ?? 'random,peaked').split(',') as Array<'random' | 'peaked'>;
for (const kind of kinds) {
  const p = makeProblem(n, v, d, kind);
  const oneHot = tf.oneHot(p.y, v);
  const rows = [];
  const dense = await measure(() => denseForwardBackward(p, oneHot));
  rows.push({ name: 'dense matMul + softmaxCrossEntropy', values: valuesOf(dense) });
  oneHot.dispose();
  const variants: Array<[string, LinearCrossEntropyOptions]> = [
    ['linearCrossEntropy (default ε = 2⁻²⁸)', {}],
    ['linearCrossEntropy (gradFilterEps: 0, exact)', { gradFilterEps: 0 }],
  ];
  for (const [name, options] of variants) {
    rows.push({ name, values: valuesOf(await measure(() => cceForwardBackward(p, options))) });
  }
  ratioTable(`Forward + backward, ${backend}, N=${n} V=${v} D=${d}, ${kind} logits`, rows);
  tf.dispose([p.e, p.c, p.y]);
}
