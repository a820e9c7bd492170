/**
 * Peak extra memory of forward + backward: dense tfjs baseline vs linearCrossEntropy.
 * npx tsx packages/cce/bench/memory.ts --backend=wasm --n=2048 --v=32000 --d=256 [--skip-dense] [--no-validate]
 */
import * as tf from '@tensorflow/tfjs';
import { machineLine, peakMemory, ratioTable } from '@xent/bench';
import { useBackend } from '@xent/testing';
import '../src/cpu.js';
import { peakHeapBytes } from './heap.js';
import { args, cceForwardBackward, denseForwardBackward, makeProblem } from './problems.js';

const a = args();
const backend = (a.backend ?? 'wasm') as 'wasm' | 'cpu';
const [n, v, d] = [Number(a.n ?? 2048), Number(a.v ?? 32000), Number(a.d ?? 256)];
if (!(await useBackend(backend))) throw new Error(`no ${backend}`);
const p = makeProblem(n, v, d, 'random');
const mib = (x: number) => x / 2 ** 20;

const rows = [];
// Ours first: the wasm heap only grows, so whichever runs first is charged the heap growth in RSS.
// --no-validate: skip the NaN/target checks (they read E and C to the host), as the dense baseline does.
const oursOptions = a['no-validate'] ? { validate: false } : {};
const ours = await peakMemory(() => cceForwardBackward(p, oursOptions));
const oursHeap =
  backend === 'wasm' ? await peakHeapBytes(() => cceForwardBackward(p, oursOptions)) : Number.NaN;
const label = `linearCrossEntropy (auto → ${backend === 'cpu' ? 'fused cpu kernel' : 'chunked'})`;
if (!a['skip-dense']) {
  const oneHot = tf.oneHot(p.y, v);
  const dense = await peakMemory(() => denseForwardBackward(p, oneHot));
  const denseHeap =
    backend === 'wasm' ? await peakHeapBytes(() => denseForwardBackward(p, oneHot)) : Number.NaN;
  oneHot.dispose();
  rows.push({
    name: 'dense matMul + softmaxCrossEntropy',
    values: {
      'tensor MiB': mib(dense.peakTensorBytes),
      'RSS MiB': mib(dense.peakRssBytes),
      'heap MiB': mib(denseHeap),
    },
  });
}
rows.push({
  name: label,
  values: {
    'tensor MiB': mib(ours.peakTensorBytes),
    'RSS MiB': mib(ours.peakRssBytes),
    'heap MiB': mib(oursHeap),
  },
});
const floor = (4 * (n * d + v * d)) / 2 ** 20;
console.log(machineLine());
console.log(
  `N=${n} V=${v} D=${d}; gradient floor dE + dC = ${floor.toFixed(1)} MiB; one N×V float32 = ${mib(4 * n * v).toFixed(1)} MiB`,
);
ratioTable(`Peak extra memory, forward + backward (${backend})`, rows);
