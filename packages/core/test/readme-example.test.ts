import * as tf from '@tensorflow/tfjs';
import { defineLoss, isClassIds, logSoftmax, pickClass } from '@xent/core';
import { expectClose, expectNoLeak } from '@xent/testing';
import { describe, expect, it } from 'vitest';

// The core README's example, as written there: no type arguments.
const myLoss = /* @__PURE__ */ defineLoss({
  id: 'acme/my-loss',
  name: 'myLoss',
  family: 'classification',
  summary: 'Scaled negative log-likelihood.',
  inputs: [
    { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'class scores' },
    { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'ids [N] or targets [N, C]' },
  ],
  defaults: { scale: 1 },
  options: { scale: { type: 'number', min: 0, description: 'multiplier' } },
  perExample: ({ logits, labels }, { scale }) => {
    const logp = logSoftmax(logits);
    // int32 class ids [N] pick one log-probability; float targets [N, C] (one-hot, soft) weigh them all.
    const nll = isClassIds(labels)
      ? tf.neg(pickClass(logp, labels))
      : tf.neg(tf.sum(tf.mul(labels, logp), -1));
    return tf.mul(nll, scale);
  },
});

const rows = [
  [1, 2, 3],
  [0.5, -1, 0],
  [2, 2, -2],
  [0, 0, 0],
];
const ids = [0, 2, 1, 0];
const nll64 = rows.map((row, i) => {
  const max = Math.max(...row);
  return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) - row[ids[i]!]!;
});

describe('core README example', () => {
  it('takes class ids and one-hot targets alike, with the common options', () => {
    expectNoLeak(() =>
      tf.tidy(() => {
        const fromIds = myLoss(rows, ids, { reduction: 'none', scale: 2 });
        const oneHot = ids.map((id) => [0, 1, 2].map((c) => (c === id ? 1 : 0)));
        const fromTargets = myLoss(rows, oneHot, { reduction: 'none', scale: 2 });
        expectClose(
          fromIds,
          nll64.map((v) => 2 * v),
        );
        expectClose(fromTargets, fromIds);
        const weights = [1, 1, 2, 0];
        const summed = myLoss(rows, [0, 2, -100, 0], { reduction: 'sum', weights, ignoreIndex: -100 });
        expectClose(summed, nll64[0]! + nll64[1]!);
        expect(myLoss(rows, ids).rank).toBe(0);
      }),
    );
  });
});
