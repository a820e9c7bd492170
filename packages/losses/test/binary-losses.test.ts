import * as tf from '@tensorflow/tfjs';
import { registry } from '@xent/core';
import { expectClose, expectNoLeak, expectXentError, gradCheck, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropyLoss, binaryFocalLoss, hingeLoss, squaredHingeLoss } from '../src/index.js';
import fixture from './fixtures/binary-losses.json' with { type: 'json' };

type Options = Record<string, unknown>;

// Float64 references from the formulas, one element at a time.
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logSigmoid = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

function bce64(x: number, y: number, o: Options): number {
  const eps = (o.labelSmoothing as number) ?? 0;
  const ys = y * (1 - eps) + eps / 2;
  let logP: number;
  let logQ: number;
  if (o.fromLogits === false) {
    const p = Math.min(Math.max(x, 1e-7), 1 - 1e-7);
    logP = Math.log(p);
    logQ = Math.log(1 - p);
  } else {
    logP = logSigmoid(x);
    logQ = logSigmoid(-x);
  }
  const pw = o.posWeight === undefined ? 1 : (o.posWeight as number);
  return -(pw * ys * logP + (1 - ys) * logQ);
}

function focal64(x: number, y: number, o: Options): number {
  const eps = (o.labelSmoothing as number) ?? 0;
  const gamma = (o.gamma as number) ?? 2;
  const alpha = (o.alpha as number) ?? 0.25;
  const ys = y * (1 - eps) + eps / 2;
  const p = o.fromLogits === false ? x : sigmoid(x);
  const pt = ys * p + (1 - ys) * (1 - p);
  const bce = bce64(x, y, { labelSmoothing: eps, fromLogits: o.fromLogits });
  const a = o.applyClassBalancing ? alpha * ys + (1 - alpha) * (1 - ys) : 1;
  return a * (1 - pt) ** gamma * bce;
}

const sign = (y: number) => (y === 0 ? -1 : y);
const hinge64 = (x: number, y: number) => Math.max(0, 1 - sign(y) * x);
const squaredHinge64 = (x: number, y: number) => hinge64(x, y) ** 2;

const elementwise =
  (f: (x: number, y: number, o: Options) => number) => (inputs: readonly unknown[], o: Options) =>
    (inputs[0] as number[]).map((x, i) => f(x, (inputs[1] as number[])[i]!, o));
const grid = (f: (x: number, y: number, o: Options) => number, x: number[][], y: number[][], o: Options) =>
  x.map((row, i) => row.map((v, j) => f(v, y[i]![j]!, o)));

// Rank-1 binary cases for the conformance suite (per-example = per element).
const x1 = (randomNormal([6], 31, 3) as number[]).map((v, i) => (i === 2 ? 9 : v));
const y1 = [1, 0, 1, 1, 0, 0];
const soft1 = [0.9, 0.2, 0.5, 1, 0, 0.3];
const p1 = x1.map((v) => sigmoid(v / 2));

runLossConformance(
  binaryCrossEntropyLoss,
  [
    { name: 'logits, hard targets', inputs: [x1, y1], reference: elementwise(bce64) },
    {
      name: 'soft targets, smoothing',
      inputs: [x1, soft1],
      options: { labelSmoothing: 0.1 },
      reference: elementwise(bce64),
    },
    { name: 'posWeight', inputs: [x1, y1], options: { posWeight: 3 }, reference: elementwise(bce64) },
    {
      name: 'probabilities',
      inputs: [p1, soft1],
      options: { fromLogits: false },
      reference: elementwise(bce64),
    },
  ],
  { backends: ['cpu', 'wasm'] },
);

runLossConformance(
  binaryFocalLoss,
  [
    { name: 'γ = 2', inputs: [x1, y1], reference: elementwise(focal64) },
    {
      name: 'γ = 0.5, balanced, smoothed',
      inputs: [x1, soft1],
      options: { gamma: 0.5, alpha: 0.3, applyClassBalancing: true, labelSmoothing: 0.2 },
      reference: elementwise(focal64),
    },
    {
      name: 'probabilities',
      inputs: [p1, y1],
      options: { fromLogits: false },
      reference: elementwise(focal64),
    },
  ],
  { backends: ['cpu', 'wasm'] },
);

const pm1 = [1, -1, 1, 1, -1, -1];
const xh = [0.3, 0.2, -2, 1.7, -0.4, 1.2]; // no element on the kink 1 − y·x = 0
// The fuzz draws 0/1 targets (0 reads as −1): random floats are not labels.
const binaryTargets = { binaryInputs: ['targets'] } as const;
runLossConformance(hingeLoss, [{ name: '±1 labels', inputs: [xh, pm1], reference: elementwise(hinge64) }], {
  backends: ['cpu', 'wasm'],
  fuzz: binaryTargets,
});
runLossConformance(
  squaredHingeLoss,
  [{ name: '±1 labels', inputs: [xh, pm1], reference: elementwise(squaredHinge64) }],
  { backends: ['cpu', 'wasm'], fuzz: binaryTargets },
);

const fns: Record<string, (...a: any[]) => tf.Tensor> = {
  bce: binaryCrossEntropyLoss,
  focal: binaryFocalLoss,
  hinge: hingeLoss,
  squaredHinge: squaredHingeLoss,
};

describe('binary losses agree with optax and PyTorch (fixture)', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: values [N, L] and the gradient of the mean`, () => {
      const loss = fns[c.loss]!;
      const [x, y] = c.inputs as number[][][];
      const xt = tf.tensor2d(x!);
      const none = loss(xt, y, { ...c.options, reduction: 'none' });
      expect(none.shape).toEqual([4, 3]);
      expectClose(none, c.none, { atol: 1e-5, rtol: 1e-5 });
      expectClose(loss(xt, y, c.options), c.mean, { atol: 1e-5, rtol: 1e-5 });
      const grad = tf.grad((t: tf.Tensor) => loss(t, y, c.options))(xt);
      expectClose(grad, c.gradMean, { atol: 1e-6, rtol: 1e-4 });
      tf.dispose([xt, none, grad]);
    });
  }
});

describe('binary losses: multi-label shapes, options and properties', () => {
  const x = randomNormal([3, 4], 41, 3) as number[][];
  const y = [
    [1, 0, 0, 1],
    [0, 0, 0, 0],
    [1, 1, 1, 0],
  ];

  it('posWeight per label (the last dim) multiplies the positive term', () => {
    const pw = [1, 2, 3, 4];
    const expected = x.flatMap((row, i) => row.map((v, j) => bce64(v, y[i]![j]!, { posWeight: pw[j] })));
    expectClose(binaryCrossEntropyLoss(x, y, { posWeight: pw }), expected.reduce((a, b) => a + b) / 12, {
      atol: 1e-5,
    });
    expectXentError(() => binaryCrossEntropyLoss(x, y, { posWeight: [1, 2] }), 'INVALID_OPTION', {
      argument: 'options.posWeight',
    });
    expectXentError(() => binaryCrossEntropyLoss(x, y, { posWeight: 0 }), 'INVALID_OPTION', {
      argument: 'options.posWeight',
    });
  });

  it('takes per-row weights [N] (broadcast over labels) or per-element weights [N, L]', () => {
    const w = [2, 0, 1];
    const values = grid(bce64, x, y, {});
    const total = values.reduce((a, row, i) => a + w[i]! * row.reduce((s, v) => s + v, 0), 0);
    expectClose(binaryCrossEntropyLoss(x, y, { weights: w }), total / (4 * 3), { atol: 1e-5 });
    const full = y.map((row) => row.map((v) => v + 0.5));
    const num = values.reduce((a, row, i) => a + row.reduce((s, v, j) => s + v * full[i]![j]!, 0), 0);
    const den = full.flat().reduce((a, b) => a + b, 0);
    expectClose(binaryCrossEntropyLoss(x, y, { weights: full }), num / den, { atol: 1e-5 });
  });

  it('γ = 0 without balancing is binary cross-entropy; larger γ never increases the loss', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -12, max: 12, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, t) => {
          const ys = xs.map((_, i) => (i % 2 === 0 ? t : 1 - t));
          expectClose(
            binaryFocalLoss(xs, ys, { gamma: 0, reduction: 'none' }),
            binaryCrossEntropyLoss(xs, ys, { reduction: 'none' }),
            { atol: 1e-5 },
          );
          const low = binaryFocalLoss(xs, ys, { gamma: 1, reduction: 'none' }).dataSync();
          const high = binaryFocalLoss(xs, ys, { gamma: 3, reduction: 'none' }).dataSync();
          for (let i = 0; i < low.length; i++) expect(high[i]!).toBeLessThanOrEqual(low[i]! + 1e-6);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fromLogits: false on σ(x) equals fromLogits: true on x away from the clip', () => {
    const xs = [-3, -0.5, 0, 1, 4];
    const ys = [0, 1, 0.3, 1, 0];
    expectClose(
      binaryCrossEntropyLoss(xs.map(sigmoid), ys, { fromLogits: false, reduction: 'none' }),
      binaryCrossEntropyLoss(xs, ys, { reduction: 'none' }),
      { atol: 1e-5 },
    );
  });

  it('stays finite and exact for huge logits; probabilities are clipped to [1e-7, 1 − 1e-7]', () => {
    expectClose(binaryCrossEntropyLoss([100, -100], [0, 1], { reduction: 'none' }), [100, 100], {
      rtol: 1e-6,
    });
    expectClose(
      binaryCrossEntropyLoss([0, 1], [1, 0], { fromLogits: false, reduction: 'none' }),
      [-Math.log(1e-7), -Math.log(1 - Math.fround(1 - 1e-7))], // 1 − 1e-7 rounds in float32, as in Keras
      { rtol: 1e-3 },
    );
    const g = tf.grad((t: tf.Tensor) => binaryFocalLoss(t, [1, 0], { gamma: 0.5 }))(tf.tensor1d([60, -60]));
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('hinge: {0, 1} labels mean {−1, 1}; the squared hinge has gradient −2y·max(0, 1 − y·x)', () => {
    const xs = [0.5, -0.2, 2, -3];
    expectClose(
      hingeLoss(xs, [1, 0, 0, 1], { reduction: 'none' }),
      hingeLoss(xs, [1, -1, -1, 1], { reduction: 'none' }),
    );
    expectClose(hingeLoss(xs, [1, 0, 0, 1], { reduction: 'none' }), [0.5, 0.8, 3, 4]);
    gradCheck({
      fn: (t) => squaredHingeLoss(t, [1, 0, 0, 1]),
      reference: (z) => (z as number[]).reduce((a, v, i) => a + squaredHinge64(v, [1, 0, 0, 1][i]!), 0) / 4,
      at: [xs],
    });
    expectXentError(() => hingeLoss(xs, [1, 0.5, 0, 1]), 'LABEL_OUT_OF_RANGE', { argument: 'targets' });
    expectXentError(() => squaredHingeLoss(xs, [1, 2, 0, 1]), 'LABEL_OUT_OF_RANGE', { argument: 'targets' });
  });

  it('rejects targets outside [0, 1] and probabilities outside [0, 1]', () => {
    expectXentError(() => binaryCrossEntropyLoss([0.1], [1.5]), 'LABEL_OUT_OF_RANGE', {
      argument: 'targets',
    });
    expectXentError(() => binaryFocalLoss([1.2], [1], { fromLogits: false }), 'LABEL_OUT_OF_RANGE', {
      argument: 'logits',
    });
    expectXentError(() => binaryFocalLoss([1], [1], { alpha: 2 }), 'INVALID_OPTION', {
      argument: 'options.alpha',
    });
  });

  it('gives 0 with a zero gradient when every element has weight 0; leaks nothing', () => {
    const xt = tf.tensor2d(x);
    const f = (t: tf.Tensor) => binaryFocalLoss(t, y, { weights: [0, 0, 0] });
    expectClose(f(xt), 0);
    expectClose(
      tf.grad(f)(xt),
      x.map((row) => row.map(() => 0)),
    );
    expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => binaryCrossEntropyLoss(t, y, { posWeight: [1, 2, 3, 4] }))(xt),
    );
    xt.dispose();
  });

  it('are registered', async () => {
    await import('../src/register.js');
    for (const id of ['xent/binary-cross-entropy', 'xent/binary-focal', 'xent/hinge', 'xent/squared-hinge']) {
      expect(registry.get(id).spec.id).toBe(id);
    }
  });
});
