/**
 * Forward + backward CPU time of linearCrossEntropy vs the dense baseline at chosen shapes (NxVxD).
 * NODE_OPTIONS="--conditions=@xent/source" npx tsx packages/cce/bench/points.ts --backend=wasm \
 *   --points=64x32000x128,256x100000x64 [--it=1] [--impl=chunked] [--skip-dense]
 */
import * as tf from '@tensorflow/tfjs';
import { time } from '@xent/bench';
import { useBackend } from '@xent/testing';
import '../src/cpu.js';
import { args, cceForwardBackward, denseForwardBackward, makeProblem } from './problems.js';

const a = args();
await useBackend((a.backend ?? 'wasm') as 'wasm');
for (const spec of (a.points ?? '64x32000x128').split(',')) {
  const [n, v, d] = spec.split('x').map(Number) as [number, number, number];
  const p = makeProblem(n, v, d, 'random');
  const oneHot = tf.oneHot(p.y, v);
  const it = { warmup: 1, iterations: Number(a.it ?? 1) };
  const cpu = async (f: () => unknown) => {
    const s = process.cpuUsage();
    await time(f, it);
    const u = process.cpuUsage(s);
    return (u.user + u.system) / 1e3 / (it.warmup + it.iterations);
  };
  const ours = await cpu(() => cceForwardBackward(p, a.impl ? { impl: a.impl as 'chunked' } : {}));
  const dense = a['skip-dense'] ? Number.NaN : await cpu(() => denseForwardBackward(p, oneHot));
  console.log(
    `${spec}: ours ${ours.toFixed(0)} ms CPU, dense ${dense.toFixed(0)} ms CPU, ratio ${(ours / dense).toFixed(2)}`,
  );
  tf.dispose([p.e, p.c, p.y, oneHot]);
}
