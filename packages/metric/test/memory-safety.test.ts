import * as tf from '@tensorflow/tfjs';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import { contrastiveLoss, metrixContrastiveLoss, protoTripletLoss, tripletMarginLoss } from '../src/index.js';

// issue 13: unchecked (validate: false) out-of-range indices never read out of bounds; later valid
// calls are unchanged.
const x = [
  [1, 0],
  [0.9, 0.1],
  [0, 1],
  [0.1, 0.9],
];
const labels = [0, 0, 1, 1];

describeBackends(['cpu', 'wasm'], () => {
  it('pre-mined indices, metrix anchors and prototype labels out of range with validate: false', async () => {
    const expected = (await contrastiveLoss(x, labels).data())[0]!;
    for (let repeat = 0; repeat < 3; repeat++) {
      const values = tf.tidy(() => {
        const i = (v: number[]) => tf.tensor1d(v, 'int32');
        const pairs = {
          kind: 'pairs' as const,
          anchorsPositive: i([0, 1e6]),
          positives: i([1, -7]),
          anchorsNegative: i([0, 2 ** 31 - 1]),
          negatives: i([2, 3]),
        };
        const triplets = {
          kind: 'triplets' as const,
          anchors: i([0, 99]),
          positives: i([1, 0]),
          negatives: i([-1, 2]),
        };
        return [
          contrastiveLoss(x, labels, { indices: pairs, validate: false }),
          tripletMarginLoss(x, labels, { indices: triplets, validate: false }),
          metrixContrastiveLoss(x, [[0.5, 0.5]], i([1e6]), [0.5], { validate: false }),
          protoTripletLoss(
            x,
            i([0, 5, -1, 1]),
            [
              [1, 0],
              [0, 1],
            ],
            { validate: false },
          ),
        ];
      });
      for (const v of values) expect(Array.from(await v.data()).every(Number.isFinite)).toBe(true);
      tf.dispose(values);
      const again = contrastiveLoss(x, labels);
      expect((await again.data())[0]).toBeCloseTo(expected, 5);
      again.dispose();
    }
  });
});
