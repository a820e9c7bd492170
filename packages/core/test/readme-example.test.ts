import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import { myLoss } from './fixtures/readme-loss.js';

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
