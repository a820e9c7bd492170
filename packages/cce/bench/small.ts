/**
 * The small shapes where `'auto'` takes the dense path (N·V ≤ DENSE_LIMIT on a backend without fused
 * kernels): CPU time of forward + backward for `'auto'`, `impl: 'chunked'` and the dense tfjs baseline,
 * alternating in rounds in one process, after a warm-up (as grid.ts does for its small points).
 *
 * NODE_OPTIONS="--conditions=@xent/source" npx tsx packages/cce/bench/small.ts [--backend=wasm] \
 *   [--points=16x1000x64,64x4000x64] [--rounds=8] [--calls=25]
 */
import * as tf from '@tensorflow/tfjs';
import { machineLine, time } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { args, cceForwardBackward, denseForwardBackward, makeProblem } from './problems.js';

const a = args();
await useBackend((a.backend ?? 'wasm') as 'wasm');
console.log(machineLine());
const rounds = Number(a.rounds ?? 8);
const calls = Number(a.calls ?? 25);

async function cpuTime(fn: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  await time(fn, { warmup: 0, iterations: calls });
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e3 / calls;
}

for (const spec of (a.points ?? '16x1000x64,64x4000x64').split(',')) {
  const [n, v, d] = spec.split('x').map(Number) as [number, number, number];
  const p = makeProblem(n, v, d, 'random');
  const oneHot = tf.oneHot(p.y, v);
  const runs = {
    auto: () => cceForwardBackward(p),
    chunked: () => cceForwardBackward(p, { impl: 'chunked' }),
    dense: () => denseForwardBackward(p, oneHot),
  };
  const ms: Record<string, number> = { auto: 0, chunked: 0, dense: 0 };
  for (const f of Object.values(runs)) await time(f, { warmup: 0, iterations: 50 });
  for (let round = 0; round < rounds; round++) {
    for (const [name, f] of Object.entries(runs)) ms[name]! += (await cpuTime(f)) / rounds;
  }
  console.log(
    `${tf.getBackend()} N=${n} V=${v} D=${d}: auto ${ms.auto!.toFixed(2)} ms (${(ms.auto! / ms.dense!).toFixed(2)}×), ` +
      `chunked ${ms.chunked!.toFixed(2)} ms (${(ms.chunked! / ms.dense!).toFixed(2)}×), dense ${ms.dense!.toFixed(2)} ms`,
  );
  tf.dispose([p.e, p.c, p.y, oneHot]);
}
