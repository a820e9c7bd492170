import * as tf from '@tensorflow/tfjs';
import { hostTidy, seededNormal, toTensor } from '@xent/core';
import { expectNoLeak, expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';

describe('toTensor checks TensorLike at the door on every backend', () => {
  it('rejects ragged and non-numeric nested arrays with SHAPE_MISMATCH', () => {
    for (const bad of [
      [
        [1, 2, 3],
        [4, 5],
      ],
      [[1, 2], 3],
      [[[1]], [2]],
      [1, 'a'],
      [[1], [null]],
    ]) {
      expectNoLeak(() =>
        expectXentError(() => toTensor(bad as never, 'f', 'x', 'float32'), 'SHAPE_MISMATCH', {
          argument: 'x',
        }),
      );
    }
  });

  it('keeps rectangular arrays, typed arrays and scalars', () => {
    const t = toTensor(
      [
        [1, 2],
        [3, 4],
      ],
      'f',
      'x',
      'float32',
    );
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4]);
    expect(toTensor(new Float32Array([1, 2]), 'f', 'x').shape).toEqual([2]);
    expect(toTensor([[], []], 'f', 'x', 'float32').shape).toEqual([2, 0]);
    tf.dispose(t);
  });

  it('converts int32 ids exactly and rejects non-integers and values outside int32', () => {
    const big = 2 ** 24 + 1;
    const ids = toTensor([big, big - 1, -(2 ** 31), 2 ** 31 - 1], 'f', 'ids', 'int32');
    expect(ids.dtype).toBe('int32');
    expect(Array.from(ids.dataSync())).toEqual([big, big - 1, -(2 ** 31), 2 ** 31 - 1]);
    ids.dispose();
    for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, 2 ** 32 + 1, -(2 ** 31) - 1]) {
      expectXentError(() => toTensor([0, bad], 'f', 'ids', 'int32'), 'DTYPE_MISMATCH', { argument: 'ids' });
    }
  });
});

describe('hostTidy and seededNormal', () => {
  it('hostTidy disposes what it made, also on throw', () => {
    const before = tf.memory().numTensors;
    expect(hostTidy(() => tf.ones([3]).dataSync()[0])).toBe(1);
    expect(() =>
      hostTidy(() => {
        tf.ones([3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('seededNormal: every seed (0 included) is deterministic; moments are right', () => {
    const a = seededNormal([4000], 0);
    const b = seededNormal([4000], 0);
    const c = seededNormal([4000], 1, 2, 3);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const values = Array.from(c.dataSync());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean - 2)).toBeLessThan(0.2);
    expect(Math.abs(Math.sqrt(variance) - 3)).toBeLessThan(0.2);
    expect(seededNormal([3, 5], 7).shape).toEqual([3, 5]);
    tf.dispose([a, b, c]);
  });
});
