// The rerankers' two paths on host backends: forward + backward of each sorting reranker with its
// usual path (host sort on cpu/wasm) and with the device path webgl/webgpu take (core's
// withDevicePaths: tf.topk sort, blocked device suffix log-sum-exp), paired per round.
// RERANK_SRC=<index.ts> also times another copy of src's host path (e.g. the previous commit's,
// extracted with git archive), paired with the current one.
// Run: BACKEND=wasm pnpm script packages/retrieval/bench/rerank-paths.ts
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { machineLine, ratioTable, timePaired } from '@xent/bench';
import { withDevicePaths } from '@xent/core';
import { useBackend } from '@xent/testing';
import * as current from '../src/index.js';

type Loss = (logits: tf.Tensor, labels: tf.Tensor, options: Record<string, unknown>) => tf.Tensor;

await useBackend((process.env.BACKEND ?? 'wasm') as 'cpu' | 'wasm');
const other = process.env.RERANK_SRC ? ((await import(process.env.RERANK_SRC)) as typeof current) : undefined;
const ROUNDS = Number(process.env.ROUNDS ?? 15);
console.log(machineLine());

for (const [n, k] of [
  [64, 8],
  [64, 32],
] as const) {
  const logits = tf.randomNormal([n, k], 0, 1, 'float32', 6);
  const labels = tf.floor(tf.randomUniform([n, k], 0, 4, 'float32', 7));
  const rows = [];
  for (const name of ['listMleLoss', 'pListMleLoss', 'rankNetLoss', 'lambdaLoss'] as const) {
    const options = name.includes('Mle')
      ? { respectInputOrder: false, validate: false }
      : { validate: false };
    const step = (loss: Loss) => () => {
      const g = tf.grad((x: tf.Tensor) => loss(x, labels, options))(logits);
      g.dataSync();
      g.dispose();
    };
    const host = step(current[name] as unknown as Loss);
    const paired = await timePaired(host, () => withDevicePaths(host), ROUNDS);
    const own = await timePaired(host, host, ROUNDS);
    const values: Record<string, number> = {
      'host path ms': own.median,
      'device path ms': paired.median,
      'device / host (paired)': paired.pairedRatio,
    };
    if (other) {
      const previous = await timePaired(host, step(other[name] as unknown as Loss), ROUNDS);
      values['other src host ms'] = previous.median;
      values['other src / host (paired)'] = previous.pairedRatio;
    }
    rows.push({ name: `${name} [${n}, ${k}]`, values });
  }
  ratioTable(`${tf.getBackend()}: forward + backward, host vs device path`, rows);
  tf.dispose([logits, labels]);
}
