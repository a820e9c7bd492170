/**
 * linearCrossEntropy on wasm vs PyTorch's F.linear + F.cross_entropy on one CPU thread, forward +
 * backward, alternating rounds in one run (process CPU time per call; both single-threaded).
 * Needs a Python with torch (`--python=`, default /work/peers-venv/bin/python); CI never runs it.
 *
 * NODE_OPTIONS="--conditions=@xent/source" npx tsx packages/cce/bench/peers.ts \
 *   [--points=512x32000x256,2048x32000x256] [--rounds=3] [--iterations=2]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { machineLine, time } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { args, cceForwardBackward, makeProblem } from './problems.js';

const a = args();
const python = a.python ?? '/work/peers-venv/bin/python';
const script = fileURLToPath(new URL('./peers/cce_torch.py', import.meta.url));
const rounds = Number(a.rounds ?? 3);
const iterations = Number(a.iterations ?? 2);
await useBackend('wasm');
console.log(machineLine());
console.log('| N, V, D | ours wasm CPU ms | torch 1 thread CPU ms | ours / torch |');
console.log('|---|---|---|---|');
for (const spec of (a.points ?? '512x32000x256,2048x32000x256').split(',')) {
  const [n, v, d] = spec.split('x').map(Number) as [number, number, number];
  const p = makeProblem(n, v, d, 'random');
  await time(() => cceForwardBackward(p), { warmup: 0, iterations: 1 });
  let ours = 0;
  let torch = 0;
  let version = '';
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage();
    await time(() => cceForwardBackward(p), { warmup: 0, iterations });
    const used = process.cpuUsage(before);
    ours += (used.user + used.system) / 1e3 / iterations / rounds;
    const run = spawnSync(python, [script, String(n), String(v), String(d), String(iterations)], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`torch peer failed: ${run.stderr}`);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { cpu_ms: number; torch: string };
    torch += out.cpu_ms / rounds;
    version = out.torch;
  }
  console.log(
    `| ${n}, ${v}, ${d} | ${ours.toFixed(0)} | ${torch.toFixed(0)} | ${(ours / torch).toFixed(2)}× |`,
  );
  console.log(`(torch ${version})`);
  tf.dispose([p.e, p.c, p.y]);
}
