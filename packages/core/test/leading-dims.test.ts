import * as tf from '@tensorflow/tfjs';
import {
  defineLoss,
  type IgnoreIndexOptions,
  logSoftmax,
  pickClass,
  type ReductionOptions,
} from '@xent/core';
import { expectClose, expectNoLeak, expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';

const inputs = [
  { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'scores' },
  { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'classes' },
] as const;

// −log softmax(z)_y per row, with leading dims flattened by core.
const nll = defineLoss<typeof inputs, ReductionOptions & IgnoreIndexOptions, object>({
  id: 'test/nll-any-rank',
  name: 'nllLoss',
  family: 'classification',
  summary: 'Negative log-likelihood, any leading dims.',
  inputs,
  leadingDims: 'flatten',
  defaults: {},
  perExample: ({ logits, labels }, _options, { dims, leadingShape }) => {
    // The formula sees [M, C] rows; the caller's shape is on the context.
    expect(logits.rank).toBe(2);
    expect(dims.get('N')?.size).toBe(leadingShape!.reduce((a, b) => a * b, 1));
    const logp = logSoftmax(logits);
    return labels.dtype === 'int32'
      ? tf.neg(pickClass(logp, labels))
      : tf.neg(tf.sum(tf.mul(labels, logp), -1));
  },
});

const nll64 = (z: number[], y: number) => {
  const m = Math.max(...z);
  return m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) - z[y]!;
};
const x = [
  [
    [1, 2, 0],
    [0, -1, 3],
  ],
  [
    [2, 2, 2],
    [-3, 0, 1],
  ],
  [
    [0.5, 0, 0],
    [1, 1, -1],
  ],
];
const y = [
  [0, 2],
  [1, -1],
  [2, 0],
];
const per = x.map((seq, b) => seq.map((z, t) => (y[b]![t]! < 0 ? 0 : nll64(z, y[b]![t]!))));

describe("defineLoss leadingDims: 'flatten'", () => {
  it("returns the leading shape with 'none' and averages over kept positions", () => {
    const none = nll(x, y, { ignoreIndex: -1, reduction: 'none' });
    expect(none.shape).toEqual([3, 2]);
    expectClose(none, per);
    expectClose(nll(x, y, { ignoreIndex: -1 }), per.flat().reduce((a, b) => a + b) / 5);
    expectClose(
      nll(x, y, { ignoreIndex: -1, reduction: 'sum' }),
      per.flat().reduce((a, b) => a + b),
    );
  });

  it('broadcasts prefix weights [B] and takes full weights [B, T]', () => {
    const w = [1, 2, 0.5];
    const expected =
      per.reduce((a, seq, b) => a + w[b]! * (seq[0]! + seq[1]!), 0) / (1 * 2 + 2 * 1 + 0.5 * 2);
    expectClose(nll(x, y, { ignoreIndex: -1, weights: w }), expected);
    const full = w.map((v) => [v, v]);
    expectClose(nll(x, y, { ignoreIndex: -1, weights: full }), expected);
  });

  it('keeps plain [N, C] inputs unchanged (weights [N] only)', () => {
    expectClose(nll(x[0]!, y[0]!, { reduction: 'none' }), per[0]!);
    expectXentError(() => nll(x[0]!, y[0]!, { weights: [[1, 1]] }), 'SHAPE_MISMATCH', {
      argument: 'options.weights',
    });
  });

  it('rejects leading dims that differ, and weights of another shape', () => {
    expectXentError(() => nll(x, y.slice(0, 2)), 'SHAPE_MISMATCH', { argument: 'labels' });
    expectXentError(() => nll(x, [y]), 'SHAPE_MISMATCH', { argument: 'labels' });
    expectXentError(() => nll(x, y, { ignoreIndex: -1, weights: [1, 2] }), 'SHAPE_MISMATCH', {
      argument: 'options.weights',
    });
    expectXentError(() => nll(x, y, { ignoreIndex: -1, weights: [[1, 2, 3]] }), 'SHAPE_MISMATCH', {
      argument: 'options.weights',
    });
    expectXentError(() => nll(x, y), 'LABEL_OUT_OF_RANGE', { argument: 'labels' });
  });

  it('applies to per-example losses only, and leaks nothing', () => {
    expect(() =>
      defineLoss({
        id: 'test/bad',
        name: 'bad',
        family: 'classification',
        summary: 'batch loss with leading dims',
        inputs,
        leadingDims: 'flatten',
        defaults: {},
        batch: () => tf.scalar(0),
      }),
    ).toThrow(/perExample/);
    const xt = tf.tensor3d(x);
    expectNoLeak(() => tf.grad((t: tf.Tensor) => nll(t, y, { ignoreIndex: -1, weights: [1, 0, 2] }))(xt));
    xt.dispose();
  });
});
