import * as tf from '@tensorflow/tfjs';
import { expectCloseAsync, gradCheckAsync } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';

describeBackends(['cpu', 'wasm', 'webgpu'], (backend) => {
  it('runs on the requested backend', () => {
    expect(tf.getBackend()).toBe(backend);
  });
  it('computes a matmul like a float64 loop', async () => {
    const a = [
      [1, 2],
      [3, 4],
    ];
    const b = [
      [0.5, -1],
      [2, 0.25],
    ];
    const expected = a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
    await expectCloseAsync(tf.matMul(a, b), expected);
  });
  it('differentiates like finite differences', async () => {
    await gradCheckAsync({
      fn: (x) => tf.sum(tf.exp(x)),
      reference: (x) => (x as number[]).reduce((s, v) => s + Math.exp(v), 0),
      at: [[0.1, -0.3, 0.7]],
    });
  });
});
