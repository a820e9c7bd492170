/**
 * The same linearCrossEntropy forward + backward on the main thread and in a worker_threads Worker,
 * alternating (never at the same time), each with its own tfjs-wasm instance: wall and process CPU
 * time per call.
 *
 * NODE_OPTIONS="--conditions=@xent/source" npx tsx packages/cce/bench/worker.ts [--n=64 --v=32000 --d=128] [--rounds=3]
 *   [--module=path/to/index.ts] (another linearCrossEntropy, e.g. an older source tree)
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { time } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { args, makeProblem } from './problems.js';

interface Job {
  readonly n: number;
  readonly v: number;
  readonly d: number;
  readonly iterations: number;
  /** Module to take linearCrossEntropy from (another build or an older source tree). */
  readonly module: string;
}

/** Median wall ms and mean thread CPU ms of one call (after one warm-up call). */
async function measure(job: Job): Promise<{ wall: number; cpu: number }> {
  await useBackend('wasm');
  const { linearCrossEntropy } = (await import(job.module)) as typeof import('../src/index.js');
  const p = makeProblem(job.n, job.v, job.d, 'random');
  const cceForwardBackward = (q: typeof p) => {
    const { value, grads } = tf.valueAndGrads((e: tf.Tensor, c: tf.Tensor) => linearCrossEntropy(e, c, q.y))([
      q.e,
      q.c,
    ]);
    return [value, ...grads];
  };
  await time(() => cceForwardBackward(p), { warmup: 0, iterations: 1 });
  const before = process.cpuUsage();
  const t = await time(() => cceForwardBackward(p), { warmup: 0, iterations: job.iterations });
  const used = process.cpuUsage(before);
  p.e.dispose();
  p.c.dispose();
  p.y.dispose();
  return { wall: t.median, cpu: (used.user + used.system) / 1e3 / job.iterations };
}

if (!isMainThread) {
  parentPort!.postMessage(await measure(workerData as Job));
} else {
  const a = args();
  const job: Job = {
    n: Number(a.n ?? 64),
    v: Number(a.v ?? 32000),
    d: Number(a.d ?? 128),
    iterations: Number(a.iterations ?? 3),
    module: a.module
      ? new URL(a.module, `file://${process.cwd()}/`).href
      : new URL('../src/node.js', import.meta.url).href,
  };
  const inWorker = () =>
    new Promise<{ wall: number; cpu: number }>((resolve, reject) => {
      // tsx's loader registered inside the worker, then this file (the worker branch above).
      const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
      const worker = new Worker(boot, { eval: true, workerData: job });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  console.log(`N=${job.n} V=${job.v} D=${job.d}, ${job.iterations} calls per measurement`);
  for (let round = 0; round < Number(a.rounds ?? 3); round++) {
    const worker = await inWorker();
    const main = await measure(job);
    console.log(
      `round ${round}: main wall ${main.wall.toFixed(0)} ms (CPU ${main.cpu.toFixed(0)}), ` +
        `worker wall ${worker.wall.toFixed(0)} ms (CPU ${worker.cpu.toFixed(0)}), main/worker ${(main.wall / worker.wall).toFixed(2)}×`,
    );
  }
}
