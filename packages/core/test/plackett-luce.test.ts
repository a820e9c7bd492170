import * as tf from '@tensorflow/tfjs';
import { descendingRowOrder, permuteRows, plackettLuceChoices } from '@xent/core';
import { expectClose, expectNoLeak, gradCheck } from '@xent/testing';
import { describe, expect, it } from 'vitest';

// −log P(k first among k..end, kept only), by plain loops in float64.
function choices64(x: number[], keep: number[]): number[] {
  return x.map((v, k) => {
    if (!keep[k]) return 0;
    let s = 0;
    for (let j = k; j < x.length; j++) if (keep[j]) s += Math.exp(x[j]!);
    return Math.log(s) - v;
  });
}

describe('Plackett–Luce primitives', () => {
  it('descendingRowOrder sorts each row by key, ties by index, dropped entries last', () => {
    const order = descendingRowOrder([1, 3, 3, 0, 5, 2, 9, 4], 2, 4, [1, 1, 1, 1, 1, 0, 1, 1]);
    expect(Array.from(order)).toEqual([1, 2, 0, 3, 6, 4, 7, 5]);
    expect(Array.from(descendingRowOrder([1, Number.POSITIVE_INFINITY, 2], 1, 3))).toEqual([1, 2, 0]);
  });
  it('permuteRows permutes forward and routes the gradient back through the inverse permutation', () => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const order = Int32Array.from([2, 0, 1, 3, 5, 4]);
    expectClose(permuteRows(x, order), [
      [3, 1, 2],
      [4, 6, 5],
    ]);
    const w = tf.tensor2d([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(permuteRows(t, order), w)))(x);
    expectClose(g, [
      [20, 30, 10],
      [40, 60, 50],
    ]);
    expectNoLeak(() => permuteRows(x, order));
    tf.dispose([x, w, g]);
  });
  it('plackettLuceChoices matches the loops, with and without a keep mask, and its gradient', () => {
    const rows = [
      [0.3, -1.2, 2.0, 0.5],
      [1.0, 0.1, -0.4, 3.0],
    ];
    const keep = [
      [1, 0, 1, 1],
      [1, 1, 1, 0],
    ];
    expectClose(
      plackettLuceChoices(tf.tensor2d(rows)),
      rows.map((r) => choices64(r, [1, 1, 1, 1])),
    );
    const mask = tf.tensor2d(keep);
    expectClose(
      plackettLuceChoices(tf.tensor2d(rows), mask),
      rows.map((r, i) => choices64(r, keep[i]!)),
    );
    gradCheck({
      fn: (x) => tf.sum(plackettLuceChoices(x, mask)),
      reference: (x) =>
        (x as number[][]).reduce((s, r, i) => s + choices64(r, keep[i]!).reduce((a, b) => a + b, 0), 0),
      at: [rows],
    });
    const x = tf.tensor2d(rows);
    expectNoLeak(() => plackettLuceChoices(x, mask));
    tf.dispose([mask, x]);
  });
});
