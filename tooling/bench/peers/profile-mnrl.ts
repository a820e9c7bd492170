/**
 * Where MNRL's (infoNceLoss, default options) forward + backward time goes on one backend: kernel times
 * from `tf.profile` summed by kernel name, plus the same products timed in isolation
 * (median wall time per call).
 *
 * pnpm script tooling/bench/peers/profile-mnrl.ts [--backend=wasm] [--n=256] [--d=384] [--iterations=21]
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@xent/testing';
import { infoNceLoss } from '../../../packages/retrieval/src/index.js';
import { machineLine } from '../src/index.js';

const a = Object.fromEntries(
  process.argv.slice(2).map((x) => x.replace(/^--/, '').split('=') as [string, string]),
);
const backend = (a.backend ?? 'wasm') as 'wasm' | 'cpu';
const n = Number(a.n ?? 256);
const d = Number(a.d ?? 384);
const iterations = Number(a.iterations ?? 21);
await useBackend(backend);
console.log(`${machineLine()} (backend: ${backend}, N=${n}, D=${d})`);

const q = tf.randomNormal([n, d], 0, 1, 'float32', 1);
const z = tf.randomNormal([n, d], 0, 1, 'float32', 2);

/** Median wall time of one call (ms): robust to other processes on a shared machine. */
function medianMs(fn: () => tf.Tensor[] | tf.Tensor): number {
  for (let i = 0; i < 2; i++) tf.dispose(fn());
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    const out = fn();
    const first = Array.isArray(out) ? out[0]! : out;
    if (first.size === 1) first.dataSync(); // wasm kernels run synchronously: no full read-back timed
    times.push(performance.now() - start);
    tf.dispose(out);
  }
  return times.sort((x, y) => x - y)[Math.floor(times.length / 2)]!;
}

const step = (options = {}) => {
  const { value, grads } = tf.valueAndGrads(
    (x: tf.Tensor, y: tf.Tensor) => infoNceLoss(x, y, options) as tf.Scalar,
  )([q, z]);
  return [value, ...grads];
};

for (let i = 0; i < 3; i++) tf.dispose(step()); // warm-up: kernels, V8
const profile = await tf.profile(() => step());
tf.dispose(profile.result as tf.Tensor[]);
const byKernel = new Map<string, { ms: number; count: number }>();
let total = 0;
for (const k of profile.kernels) {
  const ms = Number(k.kernelTimeMs) || 0;
  total += ms;
  const e = byKernel.get(k.name) ?? { ms: 0, count: 0 };
  e.ms += ms;
  e.count += 1;
  byKernel.set(k.name, e);
}
console.log(`tf.profile: ${profile.kernels.length} kernels, ${total.toFixed(1)} ms kernel time (one call)`);
for (const [name, e] of [...byKernel].sort((x, y) => y[1].ms - x[1].ms).slice(0, 15)) {
  console.log(`  ${name.padEnd(24)} ${e.count.toString().padStart(3)}× ${e.ms.toFixed(2)} ms`);
}

for (const k of profile.kernels.filter((x) => x.name === 'BatchMatMul')) {
  const shapes = k.inputShapes.map((shape) => `[${shape}]`).join(' × ');
  console.log(`  BatchMatMul ${shapes} ${(Number(k.kernelTimeMs) || 0).toFixed(2)} ms`);
}

const zT = tf.transpose(z);
const square = tf.randomNormal([n, n], 0, 1, 'float32', 3);
const isolated: Array<[string, () => tf.Tensor[] | tf.Tensor]> = [
  ['infoNceLoss fwd+bwd', () => step()],
  ['infoNceLoss fwd+bwd, validate: false', () => step({ validate: false })],
  ['infoNceLoss forward only', () => infoNceLoss(q, z)],
  ['matMul(q, z, false, true)', () => tf.matMul(q, z, false, true)],
  ['matMul(q, transpose(z))', () => tf.tidy(() => tf.matMul(q, tf.transpose(z)))],
  ['transpose(z) [N, D]', () => tf.transpose(z)],
  ['add(q, 1) [N, D] (per-op floor)', () => tf.add(q, 1)],
  ['matMul(q, zT) [N,D]x[D,N] (plain)', () => tf.matMul(q, zT)],
  ['matMul(s, z) [N,N]x[N,D] (plain)', () => tf.matMul(square, z)],
];
for (const [title, fn] of isolated) console.log(`${title.padEnd(40)} ${medianMs(fn).toFixed(2)} ms`);
