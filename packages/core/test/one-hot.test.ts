import * as tf from '@tensorflow/tfjs';
import { classTargets, defineLoss, oneHot, softmax } from '@xent/core';
import { expectClose, expectNoLeak } from '@xent/testing';
import { describe, it } from 'vitest';

describe('one class', () => {
  it('oneHot and classTargets take depth 1 (tf.oneHot throws there)', () => {
    expectNoLeak(() =>
      tf.tidy(() => {
        expectClose(oneHot(tf.tensor1d([0, 0, 0], 'int32'), 1), [[1], [1], [1]]);
        expectClose(classTargets(tf.tensor1d([0, 0], 'int32'), 1), [[1], [1]]);
      }),
    );
  });
  it('a loss over class targets gives 0 with one class', () => {
    const brier = defineLoss({
      id: 'test/one-class-brier',
      name: 'brier',
      family: 'classification',
      summary: 'Brier score, for the one-class case.',
      inputs: [
        { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'scores' },
        { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'ids or targets' },
      ],
      defaults: {},
      perExample: ({ logits, labels }, _options, { numClasses }) =>
        tf.sum(tf.square(tf.sub(softmax(logits), classTargets(labels, numClasses!))), -1),
    });
    expectNoLeak(() => tf.tidy(() => expectClose(brier([[3], [-1]], [0, 0], { reduction: 'none' }), [0, 0])));
  });
});
