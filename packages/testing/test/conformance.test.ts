import * as tf from '@tensorflow/tfjs';
import { classTargets, defineLoss, logSoftmax } from '@xent/core';
import { LOSS_ID, type Nested } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';

// Label-smoothed cross-entropy on ids or float targets, defined without type arguments as a plugin
// would: −Σ_c ((1 − ε)·t_c + ε/C)·log p_c.
const smoothedCe = defineLoss({
  id: '@acme/kit-test/smoothed-ce',
  name: 'smoothedCe',
  family: 'classification',
  summary: 'Label-smoothed cross-entropy, for the conformance suite.',
  inputs: [
    { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'scores' },
    { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'ids or targets' },
  ],
  defaults: { smoothing: 0.2 },
  options: { smoothing: { type: 'number', min: 0, max: 1, description: 'label smoothing ε' } },
  perExample: ({ logits, labels }, { smoothing }, { numClasses }) =>
    tf.neg(tf.sum(tf.mul(classTargets(labels, numClasses!, smoothing), logSoftmax(logits)), -1)),
});

// Float64 loops; `smoothing` read without a fallback: the suite must merge the spec's defaults.
function reference(inputs: readonly Nested[], options: Record<string, unknown>): number[] {
  const [logits, labels] = inputs as [number[][], (number | number[])[]];
  const smoothing = options.smoothing as number;
  return logits.map((row, i) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    const label = labels[i]!;
    const targets = typeof label === 'number' ? row.map((_, c) => (c === label ? 1 : 0)) : label;
    return targets.reduce(
      (s, t, c) => s + ((1 - smoothing) * t + smoothing / row.length) * (lse - row[c]!),
      0,
    );
  });
}

const logits = [
  [1, 2, 3],
  [0.5, -1, 0],
  [2, 2, -2],
];
runLossConformance(
  smoothedCe,
  [
    { name: 'defaults', inputs: [logits, [2, 0, 1]], reference },
    { name: 'ε = 0.5', inputs: [logits, [0, 0, 2]], options: { smoothing: 0.5 }, reference },
  ],
  { softTargets: true },
);

describe('LOSS_ID', () => {
  it('accepts unscoped and scoped package ids, and rejects others', () => {
    for (const id of ['xent/focal', 'taylor-ce/taylor', '@acme/x/loss', '@acme/losses.v2/my_loss'])
      expect(id).toMatch(LOSS_ID);
    for (const id of ['focal', 'Xent/focal', '@acme/loss', 'a/b/c', '@/x/y', 'xent/'])
      expect(id).not.toMatch(LOSS_ID);
  });
});
