import * as tf from '@tensorflow/tfjs';
import type { AnyLossFn } from '@xent/core';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import {
  aldrKlLoss,
  createAldrKlState,
  crossEntropyLoss,
  dualFocalLoss,
  focalLoss,
  polyLoss,
  squentropyLoss,
  zLoss,
} from '../src/index.js';

// issue 13: with `validate: false`, out-of-range ids must never read or write out of bounds. On wasm
// a bad gather/scatter used to return a number and make a later valid call trap ("memory access out
// of bounds"). Every bad call here is followed by valid calls whose values must be unchanged.
const logits = [
  [2, -1, 0.5],
  [0.1, 0.2, -0.3],
  [-1, 3, 0],
  [0.7, 0.7, -2],
];
const valid = [0, 2, 1, 0];
const bad = [
  [0, 2, 1e6, 0],
  [-5, 2, 1, 3],
  [2 ** 31 - 1, -(2 ** 31), 3, 0],
];
// One call signature for all of them (each loss's own overloads do not unite into a callable union).
const losses: Record<string, AnyLossFn> = {
  crossEntropyLoss,
  focalLoss,
  polyLoss,
  dualFocalLoss,
  zLoss,
  squentropyLoss,
};

describeBackends(['cpu', 'wasm'], () => {
  it('out-of-range ids with validate: false neither corrupt memory nor poison later calls', async () => {
    for (const [name, loss] of Object.entries(losses)) {
      const expected = (await loss(logits, valid).data())[0]!;
      for (const ids of bad) {
        for (let repeat = 0; repeat < 3; repeat++) {
          const x = tf.tensor2d(logits);
          const y = tf.tensor1d(ids, 'int32');
          const value = tf.tidy(() => loss(x, y, { validate: false }));
          const grad = tf.grad((z: tf.Tensor) => loss(z, y, { validate: false }))(x);
          expect(Number.isFinite((await value.data())[0]), `${name} ${ids}`).toBe(true);
          expect(Array.from(await grad.data()).every(Number.isFinite), `${name} grad ${ids}`).toBe(true);
          tf.dispose([x, y, value, grad]);
          const again = loss(logits, valid);
          expect((await again.data())[0], `${name} after a bad call`).toBeCloseTo(expected, 5);
          again.dispose();
        }
      }
    }
  });

  it('aldrKlLoss: out-of-range state indices with validate: false never scatter out of bounds', async () => {
    const state = createAldrKlState(4);
    const indices = tf.tensor1d([0, 1e6, -3, 3], 'int32');
    const value = aldrKlLoss(logits, valid, { state, indices, validate: false });
    expect(Number.isFinite((await value.data())[0])).toBe(true);
    expect(Array.from(await state.lambdas.data()).every(Number.isFinite)).toBe(true);
    const check = crossEntropyLoss(logits, valid);
    expect(Number.isFinite((await check.data())[0])).toBe(true);
    tf.dispose([value, indices, check]);
    state.dispose();
  });
});
