import * as tf from '@tensorflow/tfjs';
import { customGradient, rowBlockWriter, saveShared, takeRows } from '@xent/core';
import { expectCloseAsync, expectNoLeakAsync } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';

const rows = Array.from({ length: 7 }, (_, i) => [i, 10 * i, -i]);

describeBackends(['cpu', 'wasm', 'webgpu'], () => {
  it('takeRows gives the rows of tf.slice (float32, int32, rank 1 and 3, empty) and leaks nothing', async () => {
    const x = tf.tensor2d(rows);
    await expectNoLeakAsync(async () => {
      const block = takeRows(x, 2, 3);
      expect(block.shape).toEqual([3, 3]);
      await expectCloseAsync(block, rows.slice(2, 5), { atol: 0, rtol: 0 });
      block.dispose();
    });
    const ids = tf.tensor1d([5, 6, 7, 8], 'int32');
    const picked = takeRows(ids, 1, 2);
    expect(picked.dtype).toBe('int32');
    expect(Array.from(await picked.data())).toEqual([6, 7]);
    const cube = tf.reshape(tf.range(0, 24), [4, 3, 2]);
    const last = takeRows(cube, 3, 1);
    expect(last.shape).toEqual([1, 3, 2]);
    expect(Array.from(await last.data())).toEqual([18, 19, 20, 21, 22, 23]);
    const empty = takeRows(x, 7, 0);
    expect(empty.shape).toEqual([0, 3]);
    // The source is untouched and still usable after the block is gone.
    tf.dispose([picked, last, empty]);
    await expectCloseAsync(x, rows, { atol: 0, rtol: 0 });
    tf.dispose([x, ids, cube]);
  });

  it('rowBlockWriter assembles blocks written in any order, without leaking them', async () => {
    await expectNoLeakAsync(async () => {
      const out = rowBlockWriter(7, [3]);
      out.write(4, tf.tensor2d(rows.slice(4)));
      out.write(0, tf.tensor2d(rows.slice(0, 4)));
      const all = out.finish();
      expect(all.shape).toEqual([7, 3]);
      await expectCloseAsync(all, rows, { atol: 0, rtol: 0 });
      // One block of every row is the result itself.
      const single = rowBlockWriter(7, [3]);
      const piece = tf.tensor2d(rows);
      single.write(0, piece);
      const same = single.finish();
      expect(same).toBe(piece);
      same.dispose();
      return all;
    }).then((all) => all.dispose());
  });

  it('saveShared keeps an intermediate alive for the backward pass without copying it', async () => {
    // f(x, w) = Σ x·w with a custom gradient that reads the saved w; w is an intermediate of tf.grads.
    const shared: boolean[] = [];
    const op = customGradient<[tf.Tensor, tf.Tensor]>(([x, w], save) => {
      saveShared(save, [x, w]);
      const dataId = w.dataId;
      return {
        value: tf.sum(tf.mul(x, w)),
        gradFunc: (dy, [sx, sw]) => {
          shared.push(sw!.dataId === dataId);
          return [tf.mul(dy, sw!), tf.mul(dy, sx!)];
        },
      };
    });
    const x = tf.tensor1d([1, 2, 3]);
    const v = tf.tensor1d([4, 5, 6]);
    const before = tf.memory().numTensors;
    const [gx, gv] = tf.grads((a: tf.Tensor, b: tf.Tensor) => op(a, tf.mul(tf.exp(b), 2)))([x, v]);
    // d/dx = 2·exp(v); d/dv = x·2·exp(v).
    const ev = [4, 5, 6].map((t) => 2 * Math.exp(t));
    await expectCloseAsync(gx!, ev, { rtol: 1e-5 });
    await expectCloseAsync(
      gv!,
      ev.map((t, i) => t * (i + 1)),
      { rtol: 1e-5 },
    );
    expect(shared).toEqual([true]); // the saved tensor is a view of w's buffer, not a copy
    tf.dispose([gx!, gv!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, v]);
  });
});
