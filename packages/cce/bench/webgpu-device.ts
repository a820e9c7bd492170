/**
 * WebGPU benchmark for a machine with a real GPU (bundled by bench/bundle-device.sh and run with Node +
 * the `webgpu` package's Dawn binary on the vendor's Vulkan driver). Modes:
 *   node webgpu-device.cjs check           correctness vs dense at N=512 V=8000 D=256
 *   node webgpu-device.cjs time            fwd and fwd+bwd time, dense vs ours, random and peaked
 *   node webgpu-device.cjs mem ours|dense  GPU pool high-water of one fwd+bwd on a fresh backend
 * Sizes: --n, --v, --d (default 2048, 32000, 256).
 */
import './device-setup.js';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { linearCrossEntropy } from '../src/index.js';
import '../src/webgpu.js';
import { args, cceForwardBackward, denseForwardBackward, makeProblem, type Problem } from './problems.js';

async function main() {
  const a = args();
  const mode = process.argv[2] ?? 'time';
  if (!(await tf.setBackend('webgpu'))) throw new Error('no webgpu backend');
  await tf.ready();
  const backend = tf.backend() as unknown as {
    device: { limits: Record<string, number> };
    adapterInfo?: { vendor?: string; architecture?: string; description?: string };
  };
  const info = backend.adapterInfo;
  console.log(
    `adapter: ${JSON.stringify(info ?? {})}; maxStorageBufferBindingSize ${backend.device.limits.maxStorageBufferBindingSize}, maxBufferSize ${backend.device.limits.maxBufferSize}`,
  );
  const [n, v, d] = [Number(a.n ?? 2048), Number(a.v ?? 32000), Number(a.d ?? 256)];
  const read = async (ts: tf.Tensor[]) => {
    await Promise.all(ts.map((t) => t.data()));
  };
  const timeIt = async (fn: () => tf.Tensor[], reps: number) => {
    await read(tf.tidy(fn)).then(() => undefined);
    const samples: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const out = tf.tidy(fn);
      await read(out);
      samples.push(performance.now() - t0);
      tf.dispose(out);
    }
    samples.sort((x, y) => x - y);
    return samples[Math.floor(samples.length / 2)]!;
  };
  const forwardOnly = (p: Problem, dense: tf.Tensor | undefined) => () =>
    dense
      ? [
          tf.losses.softmaxCrossEntropy(
            dense,
            tf.matMul(p.e, p.c, false, true),
            undefined,
            0,
            tf.Reduction.MEAN,
          ),
        ]
      : [linearCrossEntropy(p.e, p.c, p.y, { validate: false })];

  if (mode === 'check') {
    const p = makeProblem(512, 8000, 256, 'random');
    const hot = tf.oneHot(p.y, 8000);
    const [ours, dense] = [cceForwardBackward(p, { validate: false }), denseForwardBackward(p, hot)];
    for (let i = 0; i < 3; i++) {
      const diff = await tf.max(tf.abs(tf.sub(ours[i]!, dense[i]!))).data();
      const scale = await tf.max(tf.abs(dense[i]!)).data();
      console.log(
        `check ${['loss', 'dE', 'dC'][i]}: max |ours − dense| = ${diff[0]} (max |dense| = ${scale[0]})`,
      );
    }
    return;
  }
  if (mode === 'mem') {
    const p = makeProblem(n, v, d, 'random');
    const hot = a.which === 'dense' || process.argv[3] === 'dense' ? tf.oneHot(p.y, v) : undefined;
    // Upload the inputs first (tfjs-webgpu uploads lazily, through a staging buffer of the same size).
    const touched = [p.e, p.c, p.y, ...(hot ? [hot] : [])].map((t) => tf.sum(t));
    await read(touched);
    tf.dispose(touched);
    const mem = () =>
      tf.memory() as unknown as { numBytesInGPUAllocated: number; numBytesAllocatedInGPU?: number };
    const pool = () => mem().numBytesAllocatedInGPU ?? mem().numBytesInGPUAllocated;
    const before = pool();
    const out = tf.tidy(() =>
      hot ? denseForwardBackward(p, hot) : cceForwardBackward(p, { validate: false }),
    );
    await read(out);
    console.log(
      `mem ${hot ? 'dense' : 'ours'} N=${n} V=${v} D=${d}: GPU pool grew by ${((pool() - before) / 2 ** 20).toFixed(1)} MiB ` +
        `(gradients dE + dC ${((4 * (n * d + v * d)) / 2 ** 20).toFixed(1)} MiB, one N×V ${((4 * n * v) / 2 ** 20).toFixed(1)} MiB)`,
    );
    return;
  }
  const reps = Number(a.reps ?? 5);
  const flop = 2 * n * v * d;
  for (const kind of (a.kinds ?? 'random,peaked').split(',') as Array<'random' | 'peaked'>) {
    const p = makeProblem(n, v, d, kind);
    const hot = a['skip-dense'] ? undefined : tf.oneHot(p.y, v);
    const rows: string[] = [];
    const line = (name: string, fwd: number, both: number) =>
      rows.push(
        `| ${name} | ${fwd.toFixed(1)} | ${((flop / fwd) * 1e-6).toFixed(0)} | ${both.toFixed(1)} | ${(((3 * flop) / both) * 1e-6).toFixed(0)} |`,
      );
    if (hot) {
      line(
        'dense matMul + softmaxCrossEntropy',
        await timeIt(forwardOnly(p, hot), reps),
        await timeIt(() => denseForwardBackward(p, hot), reps),
      );
    }
    for (const [name, eps] of [
      ['linearCrossEntropy, fused WGSL (ε = 2⁻²⁸)', undefined],
      ['linearCrossEntropy, fused WGSL (ε = 0, exact)', 0],
    ] as const) {
      const options = { validate: false, ...(eps === undefined ? {} : { gradFilterEps: eps }) };
      line(
        name,
        await timeIt(forwardOnly(p, undefined), reps),
        await timeIt(() => cceForwardBackward(p, options), reps),
      );
    }
    console.log(`\n${kind} logits, N=${n} V=${v} D=${d} (median of ${reps})`);
    console.log(
      '| | fwd ms | fwd GFLOP/s (2NVD) | fwd+bwd ms | fwd+bwd GFLOP/s (6NVD) |\n|---|---|---|---|---|',
    );
    console.log(rows.join('\n'));
    tf.dispose([p.e, p.c, p.y, ...(hot ? [hot] : [])]);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
