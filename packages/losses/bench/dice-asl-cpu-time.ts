// selfAdjustingDiceLoss and asymmetricLoss forward + backward on wasm against
// tf.losses.softmaxCrossEntropy (one-hot given), in process CPU time (robust to other processes' load),
// alternating rounds in one run. With `--before=<dir>`, also the implementations of an earlier commit
// copied there as `dice.ts` / `asl.ts` (how the before/after rows of BENCHMARKS.md were measured).
//   pnpm script packages/losses/bench/dice-asl-cpu-time.ts [--rounds=5] [--calls=5] [--sizes=1024x1000,256x32000]
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { asymmetricLoss, selfAdjustingDiceLoss } from '../src/index.js';

const a = Object.fromEntries(
  process.argv.slice(2).map((x) => x.replace(/^--/, '').split('=') as [string, string]),
);
const rounds = Number(a.rounds ?? 5);
const calls = Number(a.calls ?? 5);
type Loss = (x: tf.Tensor, t: tf.Tensor, o?: object) => tf.Tensor;
const entries: Array<[string, (x: tf.Tensor, ids: tf.Tensor, hot: tf.Tensor) => tf.Tensor]> = [
  ['tf.losses.softmaxCrossEntropy (baseline)', (x, _ids, hot) => tf.losses.softmaxCrossEntropy(hot, x)],
  ['selfAdjustingDiceLoss (class ids)', (x, ids) => selfAdjustingDiceLoss(x, ids, { validate: false })],
  ['asymmetricLoss (one-hot as multi-hot)', (x, _ids, hot) => asymmetricLoss(x, hot, { validate: false })],
  ['context: tf.losses.sigmoidCrossEntropy', (x, _ids, hot) => tf.losses.sigmoidCrossEntropy(hot, x)],
];
if (a.before) {
  const dice = (await import(`${a.before}/dice.ts`)).selfAdjustingDiceLoss as Loss;
  const asl = (await import(`${a.before}/asl.ts`)).asymmetricLoss as Loss;
  entries.push(['selfAdjustingDiceLoss before', (x, ids) => dice(x, ids, { validate: false })]);
  entries.push(['asymmetricLoss before', (x, _ids, hot) => asl(x, hot, { validate: false })]);
}
await useBackend('wasm');
console.log(machineLine());
for (const size of (a.sizes ?? '1024x1000,256x32000').split(',')) {
  const [n, c] = size.split('x').map(Number) as [number, number];
  const x = tf.randomNormal([n, c], 0, 2, 'float32', 7);
  const ids = tf.randomUniform([n], 0, c, 'int32', 8);
  const hot = tf.oneHot(ids, c).toFloat();
  const ms = entries.map(() => 0);
  const step = (f: (typeof entries)[number][1]) => {
    const g = tf.grad((z: tf.Tensor) => f(z, ids, hot))(x);
    g.dataSync();
    g.dispose();
  };
  for (const [, f] of entries) for (let i = 0; i < 2; i++) step(f);
  for (let r = 0; r < rounds; r++) {
    entries.forEach(([, f], k) => {
      const before = process.cpuUsage();
      for (let i = 0; i < calls; i++) step(f);
      const used = process.cpuUsage(before);
      ms[k]! += (used.user + used.system) / 1e3 / calls / rounds;
    });
  }
  console.log(
    `\nwasm, forward + backward, N=${n} C=${c} (CPU ms per call, ${rounds} rounds × ${calls} calls)\n`,
  );
  console.log('| | CPU ms | × baseline |\n|---|---:|---:|');
  for (const [k, [name]] of entries.entries()) {
    console.log(`| ${name} | ${ms[k]!.toFixed(1)} | ${(ms[k]! / ms[0]!).toFixed(2)}× |`);
  }

  tf.dispose([x, ids, hot]);
}
