import * as tf from '@tensorflow/tfjs';
import {
  classTargets,
  cosineSimilarity,
  differentLabelMask,
  dotProduct,
  gatherRows,
  l2Distance,
  logSoftmax,
  logSumExp,
  oneHot,
  pickClass,
  reverseLogCumSumExp,
  safeSqrt,
  sameLabelMask,
  softmax,
  squaredL2,
  withDevicePaths,
} from '@xent/core';
import { expectCloseAsync, expectNoLeak, gradCheckAsync, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import fc from 'fast-check';
import { expect, it } from 'vitest';

type Matrix = number[][];
const lse = (row: number[]) => {
  const max = Math.max(...row);
  return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
};
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const x = randomNormal([3, 5], 11, 2) as Matrix;
const y = randomNormal([4, 5], 12) as Matrix;

describeBackends(['cpu', 'wasm', 'webgpu'], (backend) => {
  it('logSumExp matches the float64 formula, also for large logits', async () => {
    await expectCloseAsync(logSumExp(tf.tensor(x)), x.map(lse));
    const big = [[1000, 1000.5, 999]];
    await expectCloseAsync(logSumExp(tf.tensor(big)), big.map(lse), { rtol: 1e-6 });
    await gradCheckAsync({
      fn: (t) => tf.sum(logSumExp(t)),
      reference: (m) => (m as Matrix).map(lse).reduce((a, b) => a + b),
      at: [x],
    });
  });

  it('masked logSumExp ignores masked entries; an all-masked row gives −∞ with a zero gradient', async () => {
    const mask = [
      [1, 0, 1, 1, 0],
      [0, 0, 0, 0, 0],
      [1, 1, 1, 1, 1],
    ];
    const expected = x.map((row, i) => {
      const kept = row.filter((_, j) => mask[i]![j] === 1);
      return kept.length === 0 ? Number.NEGATIVE_INFINITY : lse(kept);
    });
    await expectCloseAsync(logSumExp(tf.tensor(x), { mask: tf.tensor(mask) }), expected);
    const reference = (m: unknown) =>
      (m as Matrix).reduce((s, row, i) => {
        const kept = row.filter((_, j) => mask[i]![j] === 1);
        return kept.length === 0 ? s : s + lse(kept);
      }, 0);
    await gradCheckAsync({
      fn: (t) => {
        const values = logSumExp(t, { mask: tf.tensor(mask) });
        return tf.sum(tf.where(tf.isFinite(values), values, tf.zerosLike(values)));
      },
      reference,
      at: [x],
    });
  });

  it('masked logSumExp stays finite when a masked entry is far above the selected ones', async () => {
    const row = [[500, 0, 1]];
    const mask = tf.tensor([[0, 1, 1]]);
    await expectCloseAsync(logSumExp(tf.tensor(row), { mask }), [lse([0, 1])]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, { mask })))(tf.tensor(row));
    const p = Math.exp(0 - lse([0, 1]));
    await expectCloseAsync(grad, [[0, p, 1 - p]]);
  });

  it('logSoftmax and softmax match the formula', async () => {
    await expectCloseAsync(
      logSoftmax(tf.tensor(x)),
      x.map((row) => row.map((v) => v - lse(row))),
    );
    await expectCloseAsync(
      softmax(tf.tensor(x)),
      x.map((row) => row.map((v) => Math.exp(v - lse(row)))),
    );
  });

  it('pickClass gathers x[i, y_i] and scatters its gradient', async () => {
    const ids = [4, 0, 2];
    await expectCloseAsync(
      pickClass(tf.tensor(x), tf.tensor1d(ids, 'int32')),
      ids.map((c, i) => x[i]![c]!),
    );
    await gradCheckAsync({
      fn: (t) => tf.sum(tf.square(pickClass(t, tf.tensor1d(ids, 'int32')))),
      reference: (m) => ids.reduce((s, c, i) => s + (m as Matrix)[i]![c]! ** 2, 0),
      at: [x],
    });
  });

  it('gatherRows gathers rows and sums repeated indices in its gradient', async () => {
    const idx = [2, 0, 2];
    await expectCloseAsync(
      gatherRows(tf.tensor(x), tf.tensor1d(idx, 'int32')),
      idx.map((i) => x[i]!),
    );
    await gradCheckAsync({
      fn: (t) => tf.sum(tf.square(gatherRows(t, tf.tensor1d(idx, 'int32')))),
      reference: (m) => idx.reduce((s, i) => s + (m as Matrix)[i]!.reduce((t, v) => t + v * v, 0), 0),
      at: [x],
    });
  });

  it('oneHot is float32 ones and zeros on every backend', async () => {
    await expectCloseAsync(oneHot(tf.tensor1d([2, 0], 'int32'), 3), [
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });

  it('classTargets builds one-hot or smoothed targets', async () => {
    await expectCloseAsync(classTargets(tf.tensor1d([1, 0], 'int32'), 3, 0.3), [
      [0.1, 0.8, 0.1],
      [0.8, 0.1, 0.1],
    ]);
  });

  it('pairwise similarities and distances match loops', async () => {
    const norm = (a: number[]) => Math.sqrt(dot(a, a));
    await expectCloseAsync(
      dotProduct(tf.tensor(x), tf.tensor(y)),
      x.map((a) => y.map((b) => dot(a, b))),
    );
    await expectCloseAsync(
      cosineSimilarity(tf.tensor(x), tf.tensor(y)),
      x.map((a) => y.map((b) => dot(a, b) / (norm(a) * norm(b)))),
    );
    const sq = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
    await expectCloseAsync(
      squaredL2(tf.tensor(x), tf.tensor(y)),
      x.map((a) => y.map((b) => sq(a, b))),
      { atol: 1e-4 },
    );
    await expectCloseAsync(
      l2Distance(tf.tensor(x)),
      x.map((a) => x.map((b) => Math.sqrt(sq(a, b)))),
      { atol: 1e-3 },
    );
    await gradCheckAsync({
      fn: (t) => tf.sum(l2Distance(t, tf.tensor(y))),
      reference: (m) => (m as Matrix).reduce((s, a) => s + y.reduce((t, b) => t + Math.sqrt(sq(a, b)), 0), 0),
      at: [x],
      atol: 1e-3,
    });
  });

  it('a batch with itself: squaredL2 and dotProduct take closed-form gradients (float64 references, one backward matmul)', async () => {
    // Non-symmetric weights, so the upstream gradient is not symmetric; one pair of identical rows and
    // one clamped pair exercise the zero-distance case.
    const rows = [...(randomNormal([5, 4], 21) as Matrix), [...(randomNormal([1, 4], 21) as Matrix)[0]!]];
    const w = randomNormal([6, 6], 22) as Matrix;
    const sq = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
    const weighted = (m: Matrix, f: (a: number[], b: number[]) => number) =>
      m.reduce((s, a, i) => s + m.reduce((t, b, j) => t + (i === j ? 0 : w[i]![j]! * f(a, b)), 0), 0);
    const wt = tf.tensor(w);
    await expectCloseAsync(
      squaredL2(tf.tensor(rows)),
      rows.map((a, i) => rows.map((b, j) => (i === j ? 0 : sq(a, b)))),
      { atol: 1e-5 },
    );
    await gradCheckAsync({
      fn: (t) => tf.sum(tf.mul(squaredL2(t!), wt)),
      reference: (m) => weighted(m as Matrix, sq),
      at: [rows],
      atol: 1e-3,
    });
    await gradCheckAsync({
      fn: (t) => tf.sum(tf.mul(dotProduct(t!), wt)),
      reference: (m) =>
        (m as Matrix).reduce(
          (s, a, i) => s + (m as Matrix).reduce((t, b, j) => t + w[i]![j]! * dot(a, b), 0),
          0,
        ),
      at: [rows],
      atol: 1e-3,
    });
    // Identical rows 0 and 5: the same gradient as autodiff of the two-operand composite (a clone passes
    // its gradient on, so both operands' shares are summed).
    const dup = tf.tensor(rows);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(squaredL2(t), wt)))(dup);
    const viaComposite = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.mul(squaredL2(t, tf.clone(t)), tf.sub(1, tf.eye(6))), wt)),
    )(dup);
    await expectCloseAsync(grad, viaComposite, { atol: 1e-4 });
    const products = async (f: () => tf.Tensor) =>
      (await tf.profile(() => tf.dispose(f()))).kernels.filter((k) => k.name === 'BatchMatMul').length;
    expect(await products(() => tf.grad((t: tf.Tensor) => tf.sum(squaredL2(t)))(dup))).toBe(2);
    expect(await products(() => tf.grad((t: tf.Tensor) => tf.sum(dotProduct(t)))(dup))).toBe(2);
    tf.dispose([wt, dup, grad, viaComposite]);
  });

  it('l2Distance has a finite, zero gradient at zero distance', async () => {
    const same = [
      [1, 2],
      [1, 2],
    ];
    const grad = tf.grad((t: tf.Tensor) => tf.sum(l2Distance(t)))(tf.tensor(same));
    await expectCloseAsync(grad, [
      [0, 0],
      [0, 0],
    ]);
  });

  it('label masks', async () => {
    const labels = tf.tensor1d([0, 1, 0], 'int32');
    await expectCloseAsync(tf.cast(sameLabelMask(labels), 'float32'), [
      [0, 0, 1],
      [0, 0, 0],
      [1, 0, 0],
    ]);
    await expectCloseAsync(tf.cast(differentLabelMask(labels), 'float32'), [
      [0, 1, 0],
      [1, 0, 1],
      [0, 1, 0],
    ]);
  });

  it('safeSqrt: gradient 0.5/√x, finite for a tiny x, 0 at x = 0', async () => {
    const x = tf.tensor1d([0, 1e-30, 1e-8, 4]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(safeSqrt(t)))(x);
    await expectCloseAsync(grad, [0, 0.5e15, 0.5e4, 0.25], { rtol: 1e-5 });
    tf.dispose([x, grad]);
  });

  it('label masks: the host grid (cpu/wasm) = the device grid (webgl/webgpu), with a reference and without the diagonal rule', async () => {
    const random = fc.sample(fc.integer({ min: 0, max: 3 }), { numRuns: 17, seed: 5 });
    const [labels, other] = [tf.tensor1d(random.slice(0, 7), 'int32'), tf.tensor1d(random.slice(7), 'int32')];
    const grids = () =>
      [
        sameLabelMask(labels),
        sameLabelMask(labels, undefined, { excludeDiagonal: false }),
        differentLabelMask(labels),
        sameLabelMask(labels, other),
        differentLabelMask(labels, other),
      ].map((m) => tf.cast(m, 'float32'));
    const loops = [
      (i: number, j: number) => i !== j && random[i] === random[j],
      (i: number, j: number) => random[i] === random[j],
      (i: number, j: number) => random[i] !== random[j],
      (i: number, j: number) => random[i] === random[7 + j],
      (i: number, j: number) => random[i] !== random[7 + j],
    ];
    const [host, device] = [grids(), withDevicePaths(grids)];
    for (const [k, rule] of loops.entries()) {
      const cols = k < 3 ? 7 : 10;
      const expected = Array.from({ length: 7 }, (_, i) =>
        Array.from({ length: cols }, (_, j) => (rule(i, j) ? 1 : 0)),
      );
      await expectCloseAsync(host[k]!, expected);
      await expectCloseAsync(device[k]!, expected);
    }
    tf.dispose([labels, other, ...host, ...device]);
  });

  it('reverseLogCumSumExp is exact where a shifted cumsum underflows (host scan; blocked device form on webgpu)', async () => {
    const row = [0, -200, -300, -150];
    const expected = row.map((_, k) => lse(row.slice(k)));
    await expectCloseAsync(reverseLogCumSumExp(tf.tensor([row])), [expected], { rtol: 1e-6 });
    await gradCheckAsync({
      fn: (t) => tf.sum(tf.mul(reverseLogCumSumExp(t), tf.tensor([[1, 2, -1, 0.5]]))),
      reference: (m) => {
        const r = (m as Matrix)[0]!;
        return [1, 2, -1, 0.5].reduce((s, w, k) => s + w * lse(r.slice(k)), 0);
      },
      at: [[row]],
    });
    await gradCheckAsync({
      fn: (t) => tf.sum(reverseLogCumSumExp(t)),
      reference: (m) => (m as Matrix).reduce((s, r) => s + r.reduce((t, _, k) => t + lse(r.slice(k)), 0), 0),
      at: [x],
    });
  });

  it('reverseLogCumSumExp: the device form (webgl/webgpu) is the host scan, with −∞ entries and wide spreads', async () => {
    const rows = [
      [0, -200, -300, -150, 3, -Infinity, 2, -90, -Infinity, -Infinity],
      [
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
      ],
      [5, 1, 4, -3, 0.5, 88, -88, 12, 0, -1],
    ];
    const suffix = (r: number[]) => (r.some(Number.isFinite) ? lse(r.filter(Number.isFinite)) : -Infinity);
    const expected = rows.map((r) => r.map((_, k) => suffix(r.slice(k))));
    const device = withDevicePaths(() => reverseLogCumSumExp(tf.tensor(rows)));
    await expectCloseAsync(device, expected, { rtol: 1e-6 });
    const weights = tf.tensor(rows.map((r) => r.map((_, k) => (k % 3) - 0.5)));
    const gradient = (t: tf.Tensor) =>
      tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.where(tf.isFinite(u), reverseLogCumSumExp(u), 0), weights)))(
        t,
      );
    const input = tf.tensor(rows);
    const host = gradient(input);
    const onDevice = withDevicePaths(() => gradient(input));
    expect(Array.from(await onDevice.data()).every(Number.isFinite)).toBe(true);
    await expectCloseAsync(onDevice, host, { atol: 1e-6, rtol: 1e-5 });
    tf.dispose([device, weights, input, host, onDevice]);
  });

  it('primitives are tidy', () => {
    const t = tf.tensor(x);
    const labels = tf.tensor1d([0, 1, 0], 'int32');
    for (const fn of [
      () => logSumExp(t, { mask: tf.onesLike(t) }),
      () => cosineSimilarity(t),
      () => l2Distance(t),
      () => sameLabelMask(labels),
      () => pickClass(t, labels),
    ]) {
      tf.dispose(expectNoLeak(() => tf.tidy(fn)));
      const before = tf.memory().numTensors;
      const out = fn();
      expect(tf.memory().numTensors - before).toBeGreaterThanOrEqual(1);
      out.dispose();
    }
    t.dispose();
    labels.dispose();
  });
});

it('logSumExp is shift-equivariant: lse(x + c) = lse(x) + c (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 8 }),
      fc.double({ min: -100, max: 100, noNaN: true }),
      (row, shift) => {
        const a = logSumExp(tf.tensor([row])).dataSync()[0]!;
        const b = logSumExp(tf.tensor([row.map((v) => v + shift)])).dataSync()[0]!;
        return Math.abs(b - (a + shift)) <= 1e-3 + 1e-5 * Math.abs(a + shift);
      },
    ),
    { numRuns: 40 },
  );
});

it('index inputs get float32 zero gradients, so ids computed on the tape are allowed', () => {
  const logits = tf.tensor([
    [1, 3, 2],
    [0, -1, 4],
  ]);
  const grad = tf.grad((t: tf.Tensor) => {
    const ids = tf.cast(tf.argMax(t, -1), 'int32');
    const rows = tf.cast(tf.argMax(tf.slice(t, [0, 0], [2, 2]), -1), 'int32');
    return tf.add(tf.sum(pickClass(t, ids)), tf.sum(gatherRows(t, rows)));
  })(logits);
  expect(grad.shape).toEqual([2, 3]);
  expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
});
