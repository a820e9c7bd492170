// Issue 13: squentropy and comp-sum (τ < 1) are finite and correct for every finite float32 input whose
// true loss is representable, and saturate at the largest float32 (never +Infinity/NaN) beyond it.
import * as tf from '@tensorflow/tfjs';
import { expectNoLeak, gradCheck } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { compSumLoss, squentropyLoss } from '../src/index.js';
import { compSum64, logSoftmax64, type Row, squentropy64 } from './reference.js';

const MAX = 3.4028234663852886e38;
const clip = (v: number) => Math.min(Math.max(v, -MAX), MAX);

/** Any finite float32 (fast-check biases towards 0, ±1, the subnormals and ±MAX). */
const anyFloat32 = fc.float({ noNaN: true, min: -MAX, max: MAX }).map((v) => (Object.is(v, -0) ? 0 : v));
const extremeBatch = fc.integer({ min: 2, max: 4 }).chain((C) =>
  fc.array(fc.tuple(fc.array(anyFloat32, { minLength: C, maxLength: C }), fc.nat({ max: C - 1 })), {
    minLength: 1,
    maxLength: 3,
  }),
);
/** Logits at one of several scales, up to 1e30 (gaps well past every threshold). */
const scaledBatch = fc
  .tuple(fc.constantFrom(1, 30, 1e3, 1e19, 1e30), fc.integer({ min: 2, max: 4 }))
  .chain(([scale, C]) =>
    fc
      .array(
        fc.tuple(
          fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: C, maxLength: C }),
          fc.nat({ max: C - 1 }),
        ),
        { minLength: 1, maxLength: 3 },
      )
      .map((rows) => rows.map(([z, y]) => [z.map((v) => Math.fround(v * scale)), y] as const)),
  );

function close(actual: number, expected: number, scale: number, rtol: number, what: string) {
  expect(Number.isFinite(actual), `${what}: ${actual}`).toBe(true);
  const tolerance = rtol * Math.abs(expected) + 1e-6 * (1 + scale);
  expect(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`).toBe(true);
}

/** ∂/∂z of Σᵢ squentropyᵢ (reduction 'sum') from the paper's formula. */
function squentropyGrad64(z: readonly Row[], y: readonly number[]): number[][] {
  return z.map((row, i) => {
    const p = logSoftmax64(row).map(Math.exp);
    return row.map((v, j) => p[j]! - (j === y[i] ? 1 : 0) + (j === y[i] ? 0 : (2 * v) / (row.length - 1)));
  });
}

describeBackends(['cpu', 'wasm'], (backend) => {
  it(`squentropyLoss over any finite float32 logits matches float64, saturating beyond float32 (${backend})`, () => {
    fc.assert(
      fc.property(extremeBatch, (batch) => {
        const z = batch.map(([row]) => row);
        const y = batch.map(([, label]) => label);
        const expected = squentropy64(z, y).map(clip);
        const scale = Math.max(...z.flat().map(Math.abs));
        expectNoLeak(() =>
          tf.tidy(() => {
            const x = tf.tensor2d(z);
            const ids = tf.tensor1d(y, 'int32');
            const none = squentropyLoss(x, ids, { reduction: 'none' }).dataSync();
            expected.forEach((e, i) => {
              close(none[i]!, e, scale, 1e-4, `value ${i}`);
            });
            const mean = squentropyLoss(x, ids).dataSync()[0]!;
            close(mean, clip(expected.reduce((a, b) => a + b, 0) / z.length), scale, 1e-4, 'mean');
            const grad = tf.grad((t: tf.Tensor) => squentropyLoss(t, ids, { reduction: 'sum' }))(x);
            const g = grad.arraySync() as number[][];
            squentropyGrad64(z, y).forEach((row, i) => {
              row.forEach((e, j) => {
                close(g[i]![j]!, clip(e), 1, 1e-4, `grad ${i},${j}`);
              });
            });
          }),
        );
      }),
      { numRuns: 60, seed: 13 },
    );
  });

  it(`squentropyLoss with soft targets stays finite and exact near 1e19 (${backend})`, () => {
    // C = 4, three wrong classes at 1.5e19: Σ z² = 6.75e38 overflows float32, the mean 2.25e38 does not.
    const z = [[0, 1.5e19, -1.5e19, 1.5e19].map(Math.fround)];
    const t = [[1, 0, 0, 0]];
    const expected = squentropy64(z, t)[0]!;
    expect(expected).toBeLessThan(MAX);
    const value = squentropyLoss(z, t).dataSync()[0]!;
    expect(Math.abs(value - expected) / expected).toBeLessThan(1e-5);
    const ids = squentropyLoss(z, [0]).dataSync()[0]!;
    expect(Math.abs(ids - expected) / expected).toBeLessThan(1e-5);
    // The label's own logit beyond 1.8e19 does not enter the squares (no ∞ − ∞).
    expect(squentropyLoss([[3e38, 0, 1]], [0], { reduction: 'none' }).dataSync()[0]).toBeCloseTo(0.5, 5);
  });

  it(`compSumLoss with τ < 1 matches float64 and saturates where it exceeds float32 (${backend})`, () => {
    fc.assert(
      fc.property(scaledBatch, fc.constantFrom(0, 0.5, 0.9), (batch, tau) => {
        const z = batch.map(([row]) => row);
        const y = batch.map(([, label]) => label);
        const expected = compSum64(z, y, tau).map(clip);
        expectNoLeak(() =>
          tf.tidy(() => {
            const x = tf.tensor2d(z);
            const ids = tf.tensor1d(y, 'int32');
            const none = compSumLoss(x, ids, { tau, reduction: 'none' }).dataSync();
            // p_y^(τ−1) amplifies float32's rounding of the logit gap by (1 − τ)·gap: relative 1e-3.
            expected.forEach((e, i) => {
              close(none[i]!, e, 0, 2e-3, `τ = ${tau}, value ${i}`);
            });
            const grad = tf.grad((t: tf.Tensor) => compSumLoss(t, ids, { tau }))(x);
            expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
            const soft = tf.softmax(tf.tensor2d(z.map((row) => row.map((v) => v + 1))));
            const softValue = compSumLoss(x, soft, { tau, reduction: 'none' }).dataSync();
            expect(Array.from(softValue).every(Number.isFinite)).toBe(true);
            const softGrad = tf.grad((t: tf.Tensor) => compSumLoss(t, soft, { tau }))(x);
            expect(Array.from(softGrad.dataSync()).every((v) => !Number.isNaN(v) && Number.isFinite(v))).toBe(
              true,
            );
          }),
        );
      }),
      { numRuns: 60, seed: 13 },
    );
  });

  it(`gradients still match finite differences at ordinary scale (${backend})`, () => {
    const z = [
      [0.3, -1.2, 2.1],
      [1.5, 0.2, -0.7],
    ];
    const soft = [
      [0.2, 0.3, 0.5],
      [1, 0, 0],
    ];
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    for (const labels of [[2, 0], soft]) {
      gradCheck({
        fn: (t) => squentropyLoss(t, labels),
        reference: (t) => mean(squentropy64(t as Row[], labels)),
        at: [z],
      });
      gradCheck({
        fn: (t) => compSumLoss(t, labels, { tau: 0.5 }),
        reference: (t) => mean(compSum64(t as Row[], labels, 0.5)),
        at: [z],
      });
    }
  });
});
