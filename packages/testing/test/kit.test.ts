import * as tf from '@tensorflow/tfjs';
import { customGradient, defineLoss, logSoftmax, pickClass, XentError } from '@xent/core';
import {
  badInputCases,
  expectBadInputErrors,
  expectClose,
  expectCloseAsync,
  expectNoLeak,
  expectXentError,
  gradCheck,
  isClose,
  numericGradient,
  randomInts,
  randomNormal,
} from '@xent/testing';
import { describe, expect, it } from 'vitest';

describe('expectClose', () => {
  it('uses atol + rtol·|e| and names the worst element', () => {
    expect(() => expectClose([1, 2, 3], [1, 2, 3.0001])).not.toThrow();
    expect(() => expectClose([1, 2, 3], [1, 2.1, 3], { message: 'm' })).toThrow(
      /m: 1\/3 elements differ; worst at flat index 1/,
    );
    expect(() => expectClose([1000.05], [1000], { atol: 0, rtol: 1e-4 })).not.toThrow();
    expect(() => expectClose([1000.2], [1000], { atol: 0, rtol: 1e-4 })).toThrow();
  });
  it('never equates NaN with ±Inf, and compares shapes', () => {
    expect(isClose(Number.NaN, Number.POSITIVE_INFINITY)).toBe(false);
    expect(isClose(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(false);
    expect(isClose(Number.NaN, Number.NaN)).toBe(true);
    expect(isClose(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(true);
    expect(() => expectClose(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(/shape mismatch/);
  });
  it('reads tensors asynchronously', async () => {
    await expectCloseAsync(tf.tensor([1, 2]), [1, 2]);
    await expect(expectCloseAsync(tf.tensor([1, 2]), [1, 3])).rejects.toThrow(/differ/);
  });
});

describe('gradCheck', () => {
  it('passes a correct gradient and catches a wrong one', () => {
    const reference = (x: unknown) => (x as number[]).reduce((s, v) => s + v * v * v, 0);
    expect(() => gradCheck({ fn: (x) => tf.sum(tf.pow(x, 3)), reference, at: [[0.5, -1, 2]] })).not.toThrow();
    const wrong = customGradient<[tf.Tensor]>(([x]) => ({
      value: tf.sum(tf.pow(x, 3)),
      gradFunc: (dy) => tf.mul(dy, tf.mul(tf.square(x), 2.9)),
    }));
    expect(() => gradCheck({ fn: (x) => wrong(x), reference, at: [[0.5, -1, 2]] })).toThrow(
      /gradient of input 0/,
    );
  });
  it('computes central differences in float64', () => {
    const [grad] = numericGradient((x) => Math.sin((x as number[])[0]!), [[0.3]]);
    expect(Math.abs(grad![0]! - Math.cos(0.3))).toBeLessThan(1e-9);
  });
});

describe('expectNoLeak', () => {
  it('ignores returned tensors and catches leaked ones', () => {
    const kept = expectNoLeak(() => tf.tidy(() => tf.add(tf.ones([2]), 1)));
    kept.dispose();
    let leaked: tf.Tensor | undefined;
    expect(() =>
      expectNoLeak(() => {
        leaked = tf.ones([3]);
        return tf.zeros([1]);
      }),
    ).toThrow(/1 tensor\(s\) leaked/);
    leaked?.dispose();
  });
});

describe('expectXentError', () => {
  it('checks code and argument', () => {
    const fail = () => {
      throw new XentError('SHAPE_MISMATCH', { fn: 'f', argument: 'x', expected: 'a', received: 'b' });
    };
    expect(expectXentError(fail, 'SHAPE_MISMATCH', { argument: 'x' }).message).toBe(
      'f(x): expected a, received b',
    );
    expect(() => expectXentError(fail, 'DTYPE_MISMATCH')).toThrow(/got XentError SHAPE_MISMATCH/);
    expect(() => expectXentError(() => 1, 'DTYPE_MISMATCH')).toThrow(/nothing was thrown/);
    expect(() => expectXentError(fail, 'SHAPE_MISMATCH', { argument: 'y' })).toThrow(/name argument 'y'/);
  });
});

describe('badInputCases', () => {
  const inputs = [
    { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'scores' },
    { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'classes' },
  ] as const;
  const spec = {
    id: 'test/nll',
    name: 'nllLoss',
    family: 'classification',
    summary: 'Negative log-likelihood for the kit tests.',
    inputs,
    defaults: {},
  } as const;
  const nll = defineLoss({
    ...spec,
    perExample: ({ logits, labels }) => tf.neg(pickClass(logSoftmax(logits), labels)),
  });
  const valid = [randomNormal([4, 3], 3), randomInts(4, 3, 5)] as tf.TensorLike[];
  it('passes on a loss that validates', () => {
    expect(() => expectBadInputErrors(badInputCases(nll, valid))).not.toThrow();
  });
  it('fails on a loss that lets NaN through', () => {
    const sloppy = defineLoss({
      ...spec,
      id: 'test/sloppy',
      inputs: [{ ...inputs[0], finite: false }, inputs[1]],
      perExample: ({ logits, labels }) => tf.neg(pickClass(logSoftmax(logits), labels)),
    });
    const cases = badInputCases(sloppy, valid);
    expect(cases.some((c) => c.name === 'logits: NaN')).toBe(false);
    const withNaN = {
      name: 'logits: NaN',
      code: 'NON_FINITE_INPUT' as const,
      run: () => sloppy([[Number.NaN, 0, 0]], [0]),
    };
    expect(() => expectBadInputErrors([withNaN])).toThrow(/bad input 'logits: NaN'/);
  });
});
