import * as tf from '@tensorflow/tfjs';
import {
  descendingRowOrder,
  descendingRowOrderOnDevice,
  hostReadable,
  invertRowPermutation,
  permuteRows,
  plackettLuceChoices,
  rankRows,
  rowPositions,
  topkOnDevice,
  withDevicePaths,
} from '@xent/core';
import { expectClose, expectNoLeak, gradCheck } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

// Rows with many ties (small integer keys), ±0, +∞ (PLD's forced first entry) and a keep mask.
const tieRows = [
  [1, 3, 3, 0, 3, 1],
  [5, 2, 9, 4, 2, 2],
  [0, -0, 0, Number.POSITIVE_INFINITY, -1, 0],
];
const tieKeep = [
  [1, 1, 0, 1, 1, 1],
  [1, 0, 1, 1, 1, 0],
  [1, 1, 1, 1, 1, 1],
];
const hostColumns = (keys: number[][], keep?: number[][]) =>
  Array.from(descendingRowOrder(keys.flat(), keys.length, keys[0]!.length, keep?.flat())).map(
    (flat) => flat % keys[0]!.length,
  );

describeBackends(['cpu', 'wasm', 'webgpu'], (backend) => {
  // On webgpu, small host-made tensors would take tfjs's CPU hand-off: keep them on the GPU, so the
  // bitonic sort itself is what is tested.
  const flag = 'WEBGPU_CPU_FORWARD';
  let forward: boolean | undefined;
  beforeAll(() => {
    if (backend !== 'webgpu') return;
    forward = tf.env().getBool(flag);
    tf.env().set(flag, false);
  });
  afterAll(() => {
    if (forward !== undefined) tf.env().set(flag, forward);
  });
  it('the device sort is the host sort: descending, ties by index, dropped entries last', async () => {
    for (const keep of [undefined, tieKeep]) {
      const order = descendingRowOrderOnDevice(tf.tensor2d(tieRows), keep && tf.tensor2d(keep));
      expect(Array.from(await order.data())).toEqual(hostColumns(tieRows, keep));
      expect(order.dtype).toBe('int32');
    }
  });
  it('invertRowPermutation gives each column its position; topkOnDevice is tf.topk', async () => {
    const order = tf.tensor2d([2, 0, 3, 1, 0, 1, 2, 3], [2, 4], 'int32');
    expect(Array.from(await invertRowPermutation(order).data())).toEqual([1, 3, 0, 2, 0, 1, 2, 3]);
    const x = tf.tensor2d([[0.5, 2, 2, -1]]);
    const top = topkOnDevice(x, 3);
    expect(Array.from(await top.indices.data())).toEqual([1, 2, 0]);
    expect(Array.from(await top.values.data())).toEqual([2, 2, 0.5]);
  });
  it('permuteRows with a device order: value, and the gradient through the inverse', async () => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const order = tf.tensor2d([2, 0, 1, 0, 2, 1], [2, 3], 'int32');
    expect(Array.from(await permuteRows(x, order).data())).toEqual([3, 1, 2, 4, 6, 5]);
    const w = tf.tensor2d([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(permuteRows(t, order), w)))(x);
    expect(Array.from(await g.data())).toEqual([20, 30, 10, 40, 60, 50]);
    expectNoLeak(() => permuteRows(x, order));
  });
});

describeBackends(['cpu'], () => {
  it('rankRows sorts on the host on cpu, on the device inside withDevicePaths: the same permutation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 7, maxLength: 7 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 7, maxLength: 7 }), {
          minLength: 4,
          maxLength: 4,
        }),
        (keys, masks) => {
          const keep = tf.tensor2d(masks.slice(0, keys.length));
          const k = tf.tensor2d(keys);
          expect(hostReadable()).toBe(true);
          const host = rankRows(k, keep);
          expect(host).toBeInstanceOf(Int32Array);
          const device = withDevicePaths(() => {
            expect(hostReadable()).toBe(false);
            return rankRows(k, keep) as tf.Tensor;
          });
          expect(Array.from(device.dataSync())).toEqual(Array.from(host as Int32Array).map((f) => f % 7));
          expect(Array.from(rowPositions(device, keys.length, 7).dataSync())).toEqual(
            Array.from(rowPositions(host, keys.length, 7).dataSync()),
          );
          tf.dispose([keep, k, device]);
        },
      ),
      { numRuns: 40 },
    );
  });
  it('empty rows: the device order and permutation of [N, 0] are empty', () => {
    const empty = tf.zeros([2, 0]);
    const out = withDevicePaths(() => permuteRows(empty, rankRows(empty)));
    expect(out.shape).toEqual([2, 0]);
    tf.dispose([empty, out]);
  });
  it('a device order carries no gradient: differentiating through the keys gives zeros, not an error', () => {
    const keys = tf.tensor2d([[0.3, 2, -1]]);
    const x = tf.tensor2d([[1, 2, 3]]);
    const g = tf.grad((k: tf.Tensor) =>
      tf.add(tf.sum(permuteRows(x, descendingRowOrderOnDevice(k))), tf.mul(tf.sum(k), 0)),
    )(keys);
    expectClose(g, [[0, 0, 0]]);
  });
});
