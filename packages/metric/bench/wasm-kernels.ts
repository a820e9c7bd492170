// Single tfjs-wasm kernels on a [512, 1024] float32 tensor (one cross-batch-memory matrix), min of 15 calls:
// why the metric losses avoid comparisons, selects and casts to bool in their hot paths.
// Run: npx tsx --conditions @xent/source packages/metric/bench/wasm-kernels.ts
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import { useBackend } from '@xent/testing';

await useBackend('wasm');
const x = tf.randomUniform([512, 1024]);
const zeros = tf.zerosLike(x);
const ones = tf.onesLike(x);
const mask = tf.greater(x, 0.5);
const ids = tf.cast(tf.mul(x, 10), 'int32');
const cases: Record<string, () => tf.Tensor> = {
  'greater(x, 0)': () => tf.greater(x, 0),
  'greater(x, zeros) (same shape)': () => tf.greater(x, zeros),
  'notEqual(x, 0)': () => tf.notEqual(x, 0),
  'equal (int32, same shape)': () => tf.equal(ids, ids),
  logicalAnd: () => tf.logicalAnd(mask, mask),
  'where(mask, x, zeros)': () => tf.where(mask, x, zeros),
  'cast float32 → bool': () => tf.cast(x, 'bool'),
  'cast bool → float32': () => tf.cast(mask, 'float32'),
  'step(x)': () => tf.step(x),
  'mul(x, 2)': () => tf.mul(x, 2),
  'sub(x, 1)': () => tf.sub(x, 1),
  'div(x, ones)': () => tf.div(x, ones),
  'relu(x)': () => tf.relu(x),
  'sqrt(x)': () => tf.sqrt(x),
};
console.log(machineLine());
console.log('| kernel on [512, 1024] | min ms |\n|---|---:|');
for (const [name, fn] of Object.entries(cases)) {
  for (let i = 0; i < 3; i++) fn().dispose();
  let best = Infinity;
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    fn().dispose();
    best = Math.min(best, performance.now() - start);
  }
  console.log(`| ${name} | ${best.toFixed(3)} |`);
}
