import * as tf from '@tensorflow/tfjs';
import { log1mExp } from '@xent/core';
import { expectClose, expectNoLeak, gradCheck } from '@xent/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const reference = (x: number) => Math.log(-Math.expm1(x));

describe('log1mExp', () => {
  it('matches log(1 − eˣ) in float64 across both branches', () => {
    const xs = [-1e-6, -1e-3, -0.3, -Math.LN2, -0.7, -2, -20, -90];
    expectClose(log1mExp(tf.tensor(xs)), xs.map(reference), { rtol: 1e-5 });
  });
  it('gives −∞ at 0 and keeps tiny complements', () => {
    const [atZero, tiny] = Array.from(log1mExp(tf.tensor([0, -1e-30])).dataSync());
    expect(atZero).toBe(Number.NEGATIVE_INFINITY);
    expect(tiny).toBeCloseTo(Math.log(1e-30), 3);
  });
  it('has the gradient −eˣ/(1 − eˣ), never NaN', () => {
    gradCheck({
      fn: (x) => tf.sum(log1mExp(x)),
      reference: (x) => (x as number[]).reduce((s, v) => s + reference(v), 0),
      at: [[-1e-2, -0.5, -0.69, -0.7, -3, -30]],
    });
    const grad = tf.grad((x: tf.Tensor) => tf.sum(log1mExp(x)))(tf.tensor([-100, -1e-4]));
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
  });
  it('is monotone decreasing in x (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: -1e-3, noNaN: true }), (x) => {
        const [a, b] = Array.from(log1mExp(tf.tensor([x, x / 2])).dataSync()) as [number, number];
        return b <= a + 1e-6;
      }),
      { numRuns: 30 },
    );
  });
  it('leaks nothing', () => {
    const x = tf.tensor([-1, -0.1]);
    expectNoLeak(() => log1mExp(x));
    x.dispose();
  });
});
