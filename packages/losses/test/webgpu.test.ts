// A few cases per loss on WebGPU (SwiftShader in Node is slow; async reads only). Skips itself where no
// adapter is available. The cpu and wasm suites are in the per-loss files.
import * as tf from '@tensorflow/tfjs';
import { expectCloseAsync, gradCheckAsync } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { it } from 'vitest';
import {
  adversarialCompSumLoss,
  aldrKlLoss,
  compSumLoss,
  createAldrKlState,
  crossEntropyLoss,
  gceLoss,
  ldrKlLoss,
  maeLoss,
  squentropyLoss,
  zLoss,
} from '../src/index.js';
import { sample } from './data.js';
import {
  aldrKl64,
  compSum64,
  crossEntropy64,
  gce64,
  type Label,
  ldrKl64,
  mae64,
  normalize64,
  type Row,
  squentropy64,
  zLoss64,
} from './reference.js';

const { logits, ids } = sample(3, 4, 61);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

type Case = [string, (x: tf.Tensor) => tf.Tensor, (x: Row[], y: Label[]) => number[]];
const cases: Case[] = [
  ['crossEntropyLoss', (x) => crossEntropyLoss(x, ids), (x, y) => crossEntropy64(x, y)],
  [
    'crossEntropyLoss (smoothing, z-loss)',
    (x) => crossEntropyLoss(x, ids, { labelSmoothing: 0.2, logZPenalty: 0.1 }),
    (x, y) => crossEntropy64(x, y, { labelSmoothing: 0.2, logZPenalty: 0.1 }),
  ],
  ['compSumLoss τ=0.5', (x) => compSumLoss(x, ids, { tau: 0.5 }), (x, y) => compSum64(x, y, 0.5)],
  ['gceLoss', (x) => gceLoss(x, ids), (x, y) => gce64(x, y, 0.7)],
  ['maeLoss', (x) => maeLoss(x, ids), (x, y) => mae64(x, y)],
  ['zLoss', (x) => zLoss(x, ids), (x, y) => zLoss64(x, y)],
  ['squentropyLoss', (x) => squentropyLoss(x, ids), (x, y) => squentropy64(x, y)],
  [
    'ldrKlLoss',
    (x) => ldrKlLoss(x, ids),
    (x, y) => x.map((row, i) => ldrKl64(normalize64(row, 'softplus'), y[i]!, 1, 2)),
  ],
];

describeBackends(['webgpu'], () => {
  for (const [name, fn, reference] of cases) {
    it(`${name}: value and gradient`, async () => {
      const value = tf.tidy(() => fn(tf.tensor(logits)));
      await expectCloseAsync(value, mean(reference(logits, ids)), { atol: 1e-4, rtol: 1e-4 });
      value.dispose();
      await gradCheckAsync({
        fn,
        reference: (x) => mean(reference(x as Row[], ids)),
        at: [logits],
        atol: 1e-3,
      });
    });
  }
  it('aldrKlLoss: value and state update', async () => {
    const state = createAldrKlState(3);
    const options = { lambda0: 1, alpha: 2, margin: 1, normalization: 'l1' as const };
    const expected = logits.map((row, i) => aldrKl64(row, ids[i]!, 1, options));
    const value = aldrKlLoss(logits, ids, { state, indices: [0, 1, 2] });
    await expectCloseAsync(value, mean(expected.map((e) => e.loss)), { atol: 1e-4 });
    await expectCloseAsync(
      state.lambdas,
      expected.map((e) => e.lambda),
      { atol: 1e-5 },
    );
    value.dispose();
    state.dispose();
  });
  it('adversarialCompSumLoss: runs PGD and reduces to comp-sum at ν = 0', async () => {
    const W = tf.tensor(logits.slice(0, 3).map((row) => row.slice(0, 4)));
    const model = (t: tf.Tensor) => tf.matMul(t, W);
    const x = [
      [1, 0, -1],
      [0.5, 0.5, 0],
      [0, -1, 2],
    ];
    const clean = tf.tidy(() => compSumLoss(model(tf.tensor(x)), ids, { tau: 1 }));
    const plain = adversarialCompSumLoss(x, ids, { model, nu: 0 });
    await expectCloseAsync(plain, clean, { atol: 1e-5 });
    const robust = adversarialCompSumLoss(x, ids, { model, steps: 2, epsilon: 0.1 });
    const [r, c] = [(await robust.data())[0]!, (await clean.data())[0]!];
    if (!(r > c)) throw new Error(`smooth term should be positive: ${r} vs ${c}`);
    tf.dispose([W, clean, plain, robust]);
  });
});
