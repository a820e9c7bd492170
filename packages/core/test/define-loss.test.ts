import * as tf from '@tensorflow/tfjs';
import {
  defineLoss,
  describeOptions,
  type IgnoreIndexOptions,
  isXentError,
  logSoftmax,
  pickClass,
  type ReductionOptions,
  registry,
  toLayersLoss,
} from '@xent/core';
import { expectClose, expectNoLeak, expectXentError, gradCheck } from '@xent/testing';
import { describe, expect, it } from 'vitest';

interface ToyOptions extends ReductionOptions, IgnoreIndexOptions {
  readonly scale?: number;
}

// A toy loss: scale · CE, to exercise the contract.
const toyLoss = defineLoss<
  readonly [
    { name: 'logits'; dtype: 'float32'; shape: ['N', 'C']; description: 'scores' },
    { name: 'labels'; dtype: 'labels'; shape: ['N', 'C']; description: 'classes' },
  ],
  ToyOptions,
  { scale: number }
>({
  id: 'test/toy',
  name: 'toyLoss',
  family: 'classification',
  summary: 'Scaled cross-entropy, for the contract tests.',
  inputs: [
    { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'scores' },
    { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'classes' },
  ],
  defaults: { scale: 1 },
  options: { scale: { type: 'number', min: 0, exclusiveMin: true, description: 'multiplier' } },
  perExample: ({ logits, labels }, { scale }) => {
    const logp = logSoftmax(logits);
    const nll =
      labels.dtype === 'int32' ? tf.neg(pickClass(logp, labels)) : tf.neg(tf.sum(tf.mul(labels, logp), -1));
    return tf.mul(nll, scale);
  },
});

const logits = [
  [1, 2, 3],
  [0.5, -1, 0],
  [2, 2, -2],
];
const labels = [2, 0, 1];
function ce64(rows: number[][], ids: number[]): number[] {
  return rows.map((row, i) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    return lse - row[ids[i]!]!;
  });
}

describe('defineLoss', () => {
  it('computes per-example, sum and mean against a float64 reference', () => {
    const expected = ce64(logits, labels);
    expectClose(toyLoss(logits, labels, { reduction: 'none' }), expected);
    expectClose(
      toyLoss(logits, labels, { reduction: 'sum' }),
      expected.reduce((a, b) => a + b),
    );
    expectClose(toyLoss(logits, labels), expected.reduce((a, b) => a + b) / 3);
    expectClose(
      toyLoss(logits, labels, { scale: 2, reduction: 'none' }),
      expected.map((v) => 2 * v),
    );
  });
  it('weights the mean by the sum of weights', () => {
    const expected = ce64(logits, labels);
    const w = [1, 0, 3];
    expectClose(toyLoss(logits, labels, { weights: w }), (expected[0]! + 3 * expected[2]!) / 4);
  });
  it('drops ignored rows from the loss and the mean, and gives 0 when all are ignored', () => {
    const expected = ce64(logits, labels);
    expectClose(toyLoss(logits, [2, -100, 1], { ignoreIndex: -100 }), (expected[0]! + expected[2]!) / 2);
    expectClose(toyLoss(logits, [2, -100, 1], { ignoreIndex: -100, reduction: 'none' }), [
      expected[0]!,
      0,
      expected[2]!,
    ]);
    const all = toyLoss(logits, [-1, -1, -1], { ignoreIndex: -1 });
    expectClose(all, 0);
    const grad = tf.grad((x: tf.Tensor) => toyLoss(x, [-1, -1, -1], { ignoreIndex: -1 }))(tf.tensor(logits));
    expectClose(grad, tf.zeros([3, 3]));
  });
  it('accepts soft targets', () => {
    const soft = [
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ];
    expectClose(toyLoss(logits, soft, { reduction: 'none' }), ce64(logits, labels));
  });
  it('has the gradient of the reference', () => {
    gradCheck({
      fn: (x) => toyLoss(x, labels),
      reference: (x) => ce64(x as number[][], labels).reduce((a, b) => a + b) / 3,
      at: [logits],
    });
  });
  it('is tidy', () => {
    const t = tf.tensor(logits);
    expectNoLeak(() => toyLoss(t, labels, { weights: [1, 2, 3] }));
    t.dispose();
  });
  it('rejects bad inputs with named errors', () => {
    const error = expectXentError(() => toyLoss(logits, [0, 1, 3]), 'LABEL_OUT_OF_RANGE', {
      argument: 'labels',
    });
    expect(error.message).toContain('[0, 3)');
    expectXentError(() => toyLoss(logits, [0, 1]), 'SHAPE_MISMATCH', {
      argument: 'labels',
      includes: ['N = 3 (from logits)'],
    });
    expectXentError(() => toyLoss([[Number.NaN, 1, 2]], [0]), 'NON_FINITE_INPUT', { argument: 'logits' });
    expectXentError(() => toyLoss(tf.zeros([0, 3]), tf.zeros([0], 'int32')), 'EMPTY_BATCH');
    expectXentError(() => toyLoss(logits, labels, { scale: 0 }), 'INVALID_OPTION', {
      argument: 'options.scale',
    });
    expectXentError(() => toyLoss(logits, labels, { sclae: 2 } as never), 'INVALID_OPTION', {
      argument: 'options.sclae',
    });
    expectXentError(() => toyLoss(logits, labels, { weights: [1, 2] }), 'SHAPE_MISMATCH', {
      argument: 'options.weights',
    });
    expectXentError(() => toyLoss(logits, tf.tensor([0, 1, 2], undefined, 'float32')), 'DTYPE_MISMATCH');
  });
  it('skips data checks with validate: false', () => {
    expect(() => toyLoss([[Number.NaN, 1, 2]], [0], { validate: false })).not.toThrow();
  });
  it('describes its options for UIs', () => {
    expect(describeOptions(toyLoss)).toEqual([
      {
        name: 'scale',
        defaultValue: 1,
        spec: { type: 'number', min: 0, exclusiveMin: true, description: 'multiplier' },
      },
    ]);
  });
  it('adapts to tfjs-layers model.compile and trains', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: toLayersLoss(toyLoss, { scale: 1 }) });
    const xs = tf.tensor([
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3).toFloat();
    const history = await model.fit(xs, ys, { epochs: 20, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    const perExample = toLayersLoss(toyLoss)(ys, model.predict(xs) as tf.Tensor);
    expect(perExample.shape).toEqual([4]);
    // Sparse targets [N, 1] (as Keras passes them) become class ids.
    const sparse = toLayersLoss(toyLoss)(tf.tensor([[0], [1], [2], [0]]), model.predict(xs) as tf.Tensor);
    expectClose(sparse, perExample);
    tf.dispose([xs, ys, perExample, sparse]);
    model.dispose();
  });
  it('registers and finds losses', () => {
    registry.register(toyLoss);
    registry.register(toyLoss);
    expect(registry.get('test/toy')).toBe(toyLoss);
    expect(registry.list({ family: 'classification' })).toContain(toyLoss);
    expectXentError(() => registry.get('test/tox'), 'UNKNOWN_LOSS', {
      includes: ['registry.get', "'test/tox'"],
    });
    registry.unregister('test/toy');
  });
  it('registers another copy of a loss (ESM and CJS builds in one process) once, and refuses a different loss under its id', () => {
    registry.register(toyLoss);
    // Another build of the same package: a new function object defined from an equal spec.
    const copy = defineLoss({ ...toyLoss.spec } as typeof toyLoss.spec);
    expect(copy).not.toBe(toyLoss);
    expect(registry.register(copy)).toBe(toyLoss);
    expect(registry.get('test/toy')).toBe(toyLoss);
    const other = defineLoss({
      ...toyLoss.spec,
      summary: 'Another loss that took the same id.',
    } as typeof toyLoss.spec);
    expectXentError(() => registry.register(other), 'DUPLICATE_LOSS', { includes: ['registry.register'] });
    expect(registry.register(other, { replace: true })).toBe(other);
    expect(registry.get('test/toy')).toBe(other);
    registry.unregister('test/toy');
  });
});
