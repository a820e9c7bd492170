import * as tf from '@tensorflow/tfjs';
import { rowLogSumExp, sparseSoftmaxCrossEntropy } from '@xent/core';
import { expectCloseAsync, expectNoLeak, gradCheckAsync, randomInts, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { it } from 'vitest';

function reference(rows: number[][], ids: number[]): number[] {
  return rows.map((row, i) => {
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    return max + Math.log(sum) - row[ids[i]!]!;
  });
}

describeBackends(['cpu', 'wasm', 'webgpu'], () => {
  const logits = randomNormal([5, 7], 3, 4) as number[][];
  const ids = randomInts(5, 7, 4);
  it('matches −log softmax at the label', async () => {
    const out = tf.tidy(() =>
      sparseSoftmaxCrossEntropy(tf.tensor(logits), tf.tensor(ids, undefined, 'int32')),
    );
    await expectCloseAsync(out, reference(logits, ids));
    out.dispose();
  });
  it('has the closed-form gradient softmax − one-hot, scaled by the upstream gradient', async () => {
    const upstream = [1, 0.5, 0, -2, 3];
    await gradCheckAsync({
      fn: (x) =>
        tf.tidy(() =>
          tf.sum(
            tf.mul(sparseSoftmaxCrossEntropy(x, tf.tensor(ids, undefined, 'int32')), tf.tensor(upstream)),
          ),
        ),
      reference: (x) => reference(x as number[][], ids).reduce((s, v, i) => s + v * upstream[i]!, 0),
      at: [logits],
    });
  });
  it('keeps large logits finite and leaks nothing', async () => {
    const big = [
      [1000, -1000, 0],
      [-50, 80, 80],
    ];
    const x = tf.tensor(big);
    const labels = tf.tensor([1, 2], undefined, 'int32');
    expectNoLeak(() => sparseSoftmaxCrossEntropy(x, labels));
    expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(sparseSoftmaxCrossEntropy(t, labels)))(x));
    const out = sparseSoftmaxCrossEntropy(x, labels);
    await expectCloseAsync(out, reference(big, [1, 2]));
    const grad = tf.grad((t: tf.Tensor) => tf.sum(sparseSoftmaxCrossEntropy(t, labels)))(x);
    await expectCloseAsync(grad, [
      [1, -1, 0],
      [0, 0.5, -0.5],
    ]);
    tf.dispose([x, labels, out, grad]);
  });
  it('rowLogSumExp matches log Σ exp and has the softmax gradient', async () => {
    const lse = (rows: number[][]) =>
      rows.map((row) => {
        const max = Math.max(...row);
        return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      });
    const out = tf.tidy(() => rowLogSumExp(tf.tensor(logits)));
    await expectCloseAsync(out, lse(logits));
    out.dispose();
    const upstream = [1, -0.5, 2, 0, 3];
    await gradCheckAsync({
      fn: (x) => tf.tidy(() => tf.sum(tf.mul(rowLogSumExp(x), tf.tensor(upstream)))),
      reference: (x) => lse(x as number[][]).reduce((s, v, i) => s + v * upstream[i]!, 0),
      at: [logits],
    });
  });
  it('subtracts a margin from the true-class logit (number or per-row tensor), with its gradient', async () => {
    const margins = [0.5, 2, -1, 0, 3];
    const shiftedRef = (x: number[][], m: (i: number) => number) =>
      reference(
        x.map((row, i) => row.map((v, c) => (c === ids[i] ? v - m(i) : v))),
        ids,
      );
    const scalar = tf.tidy(() =>
      sparseSoftmaxCrossEntropy(tf.tensor(logits), tf.tensor(ids, undefined, 'int32'), { margin: 0.7 }),
    );
    await expectCloseAsync(
      scalar,
      shiftedRef(logits, () => 0.7),
    );
    scalar.dispose();
    await gradCheckAsync({
      fn: (x) =>
        tf.tidy(() =>
          tf.sum(
            sparseSoftmaxCrossEntropy(x, tf.tensor(ids, undefined, 'int32'), { margin: tf.tensor(margins) }),
          ),
        ),
      reference: (x) => shiftedRef(x as number[][], (i) => margins[i]!).reduce((a, b) => a + b, 0),
      at: [logits],
    });
  });

  it("does not write into the caller's logits (tfjs's cpu tensorScatterUpdate shares the input buffer)", async () => {
    const x = tf.tensor(logits);
    const y = tf.tensor(ids, undefined, 'int32');
    const first = sparseSoftmaxCrossEntropy(x, y, { margin: 0.7 });
    const second = sparseSoftmaxCrossEntropy(x, y, { margin: 0.7 });
    await expectCloseAsync(x, logits);
    await expectCloseAsync(second, await first.array());
    tf.dispose([x, y, first, second]);
  });
});
