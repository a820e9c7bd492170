import * as tf from '@tensorflow/tfjs';
import { registry } from '@xent/core';
import { expectClose, expectNoLeak, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossEntropyLoss } from '../src/index.js';
import { logitsAndIds, sample } from './data.js';
import { type CeOptions, crossEntropy64, type Label, type Row } from './reference.js';

const ref = (inputs: readonly unknown[], options: Record<string, unknown>) =>
  crossEntropy64(inputs[0] as Row[], inputs[1] as Label[], options as CeOptions);
const { logits, ids, soft } = sample(6, 5, 11);
const weights = [0.5, 2, 1, 0, 3];

runLossConformance(
  crossEntropyLoss,
  [
    { name: 'int labels', inputs: [logits, ids], reference: ref },
    { name: 'soft targets', inputs: [logits, soft], reference: ref },
    { name: 'label smoothing', inputs: [logits, ids], options: { labelSmoothing: 0.2 }, reference: ref },
    { name: 'class weights', inputs: [logits, ids], options: { classWeights: weights }, reference: ref },
    {
      name: 'smoothing + class weights + z-loss',
      inputs: [logits, ids],
      options: { labelSmoothing: 0.1, classWeights: weights, logZPenalty: 0.01 },
      reference: ref,
    },
    {
      name: 'soft + smoothing + class weights + z-loss',
      inputs: [logits, soft],
      options: { labelSmoothing: 0.3, classWeights: weights, logZPenalty: 0.05 },
      reference: ref,
    },
  ],
  { backends: ['cpu', 'wasm'] },
);

describe('crossEntropyLoss properties', () => {
  it('equals tf.losses.softmaxCrossEntropy on one-hot labels (with label smoothing)', () => {
    fc.assert(
      fc.property(logitsAndIds, fc.double({ min: 0, max: 1, noNaN: true }), ({ logits: z, ids: y }, eps) => {
        const C = z[0]!.length;
        const ours = crossEntropyLoss(z, y, { labelSmoothing: eps });
        const theirs = tf.losses.softmaxCrossEntropy(tf.oneHot(y, C), z, undefined, eps);
        expectClose(ours, theirs, { atol: 1e-5, rtol: 1e-5 });
        tf.dispose([ours, theirs]);
      }),
      { numRuns: 30 },
    );
  });
  it('gives the same value and gradient for int ids and their one-hot rows', () => {
    fc.assert(
      fc.property(logitsAndIds, ({ logits: z, ids: y }) => {
        const C = z[0]!.length;
        const x = tf.tensor(z);
        const oneHot = tf.oneHot(y, C).toFloat();
        const f = (labels: tf.TensorLike | tf.Tensor) => (t: tf.Tensor) =>
          crossEntropyLoss(t, labels, { labelSmoothing: 0.1, logZPenalty: 0.01 });
        expectClose(f(y)(x), f(oneHot)(x), { atol: 1e-5 });
        expectClose(tf.grad(f(y))(x), tf.grad(f(oneHot))(x), { atol: 1e-5 });
        tf.dispose([x, oneHot]);
      }),
      { numRuns: 20 },
    );
  });
  it('ignores rows with ignoreIndex in the loss and the mean', () => {
    const labels = [...ids];
    labels[1] = -100;
    labels[4] = -100;
    const expected = crossEntropy64(logits, ids).filter((_, i) => i !== 1 && i !== 4);
    expectClose(
      crossEntropyLoss(logits, labels, { ignoreIndex: -100 }),
      expected.reduce((a, b) => a + b, 0) / expected.length,
    );
  });
  it('keeps huge logits finite', () => {
    expectClose(crossEntropyLoss([[1e4, -1e4, 0]], [1], { reduction: 'none' }), [2e4], { rtol: 1e-6 });
  });
  it('leaks nothing through the fused gradient', () => {
    const x = tf.tensor(logits);
    expectNoLeak(() => tf.grad((t: tf.Tensor) => crossEntropyLoss(t, ids, { classWeights: weights }))(x));
    x.dispose();
  });
  it('rejects bad class weights and bad options', () => {
    expectXentError(() => crossEntropyLoss(logits, ids, { classWeights: [1, 2] }), 'SHAPE_MISMATCH', {
      argument: 'options.classWeights',
    });
    expectXentError(
      () => crossEntropyLoss(logits, ids, { classWeights: [1, 1, -1, 1, 1] }),
      'INVALID_OPTION',
      {
        argument: 'options.classWeights',
      },
    );
    expectXentError(() => crossEntropyLoss(logits, ids, { labelSmoothing: 1.5 }), 'INVALID_OPTION', {
      argument: 'options.labelSmoothing',
    });
    expectXentError(() => crossEntropyLoss(logits, ids, { logZPenalty: -1 }), 'INVALID_OPTION', {
      argument: 'options.logZPenalty',
    });
    expectXentError(() => crossEntropyLoss(logits, [0, 1, 2, 3, 4, 5]), 'LABEL_OUT_OF_RANGE', {
      argument: 'labels',
    });
  });
  it('is registered with its paper reference', async () => {
    await import('../src/register.js');
    expect(registry.get('xent/cross-entropy')).toBe(crossEntropyLoss);
    expect(crossEntropyLoss.spec.reference?.url).toMatch(/^https:\/\/arxiv\.org/);
  });
});
