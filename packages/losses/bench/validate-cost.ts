// Cost of memory safety without validation (issue 13): with `validate: false`, class ids are clamped on
// device (core's clampIds, two elementwise ops on [N]) so that no backend gathers or scatters out of
// bounds. Times, on wasm, crossEntropyLoss fwd+bwd with validate true / false and clampIds alone, as the
// median over alternating rounds (robust to load from other processes).
//   node --conditions=@xent/source --import tsx packages/losses/bench/validate-cost.ts
import * as tf from '@tensorflow/tfjs';
import { machineLine, time } from '@xent/bench';
import { clampIds } from '@xent/core';
import { useBackend } from '@xent/testing';
import { crossEntropyLoss } from '../src/index.js';

const SIZES = [
  [1024, 1000],
  [256, 32000],
  [4096, 10],
] as const;
const ROUNDS = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await useBackend('wasm');
console.log(machineLine());
console.log(
  '| N | C | fwd+bwd validate: true (ms) | validate: false (ms) | clampIds alone (ms) | clamp / fwd+bwd |',
);
console.log('|---|---|---|---|---|---|');
for (const [n, c] of SIZES) {
  const logits = tf.randomNormal([n, c], 0, 1, 'float32', 1);
  const labels = tf.randomUniform([n], 0, c, 'int32', 2);
  const run = (validate: boolean) => () =>
    tf.grad((x: tf.Tensor) => crossEntropyLoss(x, labels, { validate }))(logits);
  const on: number[] = [];
  const off: number[] = [];
  const clamp: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    on.push((await time(run(true), { warmup: round === 0 ? 1 : 0, iterations: 1 })).median);
    off.push((await time(run(false), { warmup: round === 0 ? 1 : 0, iterations: 1 })).median);
    clamp.push(
      (await time(() => clampIds(labels, c), { warmup: round === 0 ? 1 : 0, iterations: 1 })).median,
    );
  }
  const [a, b, k] = [median(on), median(off), median(clamp)];
  console.log(
    `| ${n} | ${c} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${k.toFixed(3)} | ${((100 * k) / b).toFixed(1)} % |`,
  );
  tf.dispose([logits, labels]);
}
