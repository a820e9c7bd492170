import * as tf from '@tensorflow/tfjs';
import {
  expectClose,
  expectNoLeak,
  expectXentError,
  gradCheck,
  randomInts,
  randomNormal,
} from '@xent/testing';
import { describe, expect, it } from 'vitest';
import {
  asymmetricLoss,
  crossEntropyLoss,
  focalLoss,
  maeLoss,
  polyLoss,
  selfAdjustingDiceLoss,
  squentropyLoss,
  zLoss,
} from '../src/index.js';
import fixture from './fixtures/sequence-cross-entropy.json' with { type: 'json' };

type Grid = number[][][];
const X = fixture.logits as Grid;
const Y = fixture.labels as number[][];
const IGNORE = fixture.ignoreIndex;

/** Float64 smoothed CE of one position, from the formula: (1 − ε)(lse − z_y) + (ε/C)·Σ_c (lse − z_c). */
function ce64(z: readonly number[], y: number, eps: number): number {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
  const uniform = z.reduce((a, v) => a + (lse - v), 0) / z.length;
  return (1 - eps) * (lse - z[y]!) + eps * uniform;
}

/** Mean over the non-ignored positions of a [B, T, C] grid (0 when all are ignored). */
function meanCe64(x: Grid, y: number[][], eps: number, weights?: number[][]): number {
  let total = 0;
  let count = 0;
  for (let b = 0; b < x.length; b++) {
    for (let t = 0; t < x[b]!.length; t++) {
      if (y[b]![t] === IGNORE) continue;
      const w = weights ? weights[b]![t]! : 1;
      total += w * ce64(x[b]![t]!, y[b]![t]!, eps);
      count += w;
    }
  }
  return count > 0 ? total / count : 0;
}

describe('crossEntropyLoss on [B, T, V] agrees with torch F.cross_entropy (fixture)', () => {
  for (const c of fixture.cases) {
    it(`ε = ${c.labelSmoothing}, reduction ${c.reduction}`, () => {
      const options = {
        ignoreIndex: IGNORE,
        labelSmoothing: c.labelSmoothing,
        reduction: c.reduction as 'none' | 'sum' | 'mean',
      };
      const x = tf.tensor3d(X);
      const labels = tf.tensor2d(Y, undefined, 'int32');
      const out = crossEntropyLoss(x, labels, options);
      expect(out.shape).toEqual(c.reduction === 'none' ? [3, 5] : []);
      expectClose(out, c.value as number | number[][], { atol: 1e-5, rtol: 1e-5 });
      const grad = tf.grad((t: tf.Tensor) => tf.sum(crossEntropyLoss(t, labels, options)))(x);
      expectClose(grad, c.grad as Grid, { atol: 1e-6, rtol: 1e-5 });
      tf.dispose([x, labels, out, grad]);
    });
  }
});

describe('any rank, class axis last (core leadingDims)', () => {
  const B = 2;
  const T = 3;
  const C = 4;
  const x = randomNormal([B, T, C], 7, 2) as Grid;
  const ids = [randomInts(T, C, 8), randomInts(T, C, 9)];
  const flatX = x.flat();
  const flatIds = ids.flat();

  it('equals the reshape-by-hand result for every per-example loss (none, sum, mean)', () => {
    const cases: [string, (...a: any[]) => tf.Tensor, Record<string, unknown>][] = [
      ['crossEntropyLoss', crossEntropyLoss, { labelSmoothing: 0.2, logZPenalty: 0.01 }],
      ['focalLoss', focalLoss, { gamma: 2 }],
      ['polyLoss', polyLoss, {}],
      ['maeLoss', maeLoss, {}],
      ['squentropyLoss', squentropyLoss, {}],
      ['zLoss', zLoss, {}],
      ['asymmetricLoss', asymmetricLoss, {}],
      ['selfAdjustingDiceLoss', selfAdjustingDiceLoss, {}],
    ];
    for (const [name, loss, options] of cases) {
      for (const reduction of ['none', 'sum', 'mean'] as const) {
        const ours = loss(x, ids, { ...options, reduction });
        const byHand = loss(flatX, flatIds, { ...options, reduction });
        expect(ours.shape, name).toEqual(reduction === 'none' ? [B, T] : []);
        expectClose(ours, reduction === 'none' ? tf.reshape(byHand, [B, T]) : byHand, {
          atol: 1e-6,
          message: `${name} ${reduction}`,
        });
      }
    }
  });

  it('takes float targets [B, T, C] and rank-4 maps [N, H, W, C]', () => {
    const soft = tf.softmax(tf.tensor3d(randomNormal([B, T, C], 11) as Grid));
    expectClose(
      crossEntropyLoss(x, soft, { reduction: 'none' }),
      tf.reshape(crossEntropyLoss(flatX, tf.reshape(soft, [B * T, C]), { reduction: 'none' }), [B, T]),
      { atol: 1e-6 },
    );
    const map = tf.reshape(tf.tensor3d(x), [1, B, T, C]);
    const out = crossEntropyLoss(map, [ids], { reduction: 'none' });
    expect(out.shape).toEqual([1, B, T]);
    expectClose(out, [x.map((seq, b) => seq.map((z, t) => ce64(z, ids[b]![t]!, 0)))], { atol: 1e-5 });
  });

  it('broadcasts weights [B] over positions and takes full weights [B, T]; mean divides by Σ w', () => {
    const w = [
      [0.5, 2, 0],
      [1, 3, 1],
    ];
    expectClose(crossEntropyLoss(x, ids, { weights: w }), meanCe64(x, ids, 0, w), { atol: 1e-6 });
    const perSequence = [2, 0.5];
    const broadcast = perSequence.map((v) => [v, v, v]);
    expectClose(crossEntropyLoss(x, ids, { weights: perSequence }), meanCe64(x, ids, 0, broadcast), {
      atol: 1e-6,
    });
    expectClose(
      crossEntropyLoss(x, ids, { weights: perSequence, reduction: 'none' }),
      x.map((seq, b) => seq.map((z, t) => perSequence[b]! * ce64(z, ids[b]![t]!, 0))),
      { atol: 1e-6 },
    );
  });

  it('drops ignored positions from the mean, at every position of a sequence', () => {
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const masked = ids.map((row) => [...row]);
        masked[b]![t] = IGNORE;
        expectClose(
          crossEntropyLoss(x, masked, { ignoreIndex: IGNORE, labelSmoothing: 0.1 }),
          meanCe64(x, masked, 0.1),
          { atol: 1e-6, message: `ignored [${b}, ${t}]` },
        );
      }
    }
  });

  it('returns 0 with a zero gradient when every position is ignored', () => {
    const all = ids.map((row) => row.map(() => IGNORE));
    const xt = tf.tensor3d(x);
    const f = (t: tf.Tensor) => crossEntropyLoss(t, all, { ignoreIndex: IGNORE });
    expectClose(f(xt), 0);
    expectClose(
      tf.grad(f)(xt),
      x.map((s) => s.map((z) => z.map(() => 0))),
    );
    xt.dispose();
  });

  it('has the gradient of the float64 formula (finite differences)', () => {
    const masked = ids.map((row) => [...row]);
    masked[1]![0] = IGNORE;
    const y = tf.tensor2d(masked, undefined, 'int32');
    gradCheck({
      fn: (t) => crossEntropyLoss(t, y, { ignoreIndex: IGNORE, labelSmoothing: 0.1 }),
      reference: (z) => meanCe64(z as Grid, masked, 0.1),
      at: [x],
    });
    y.dispose();
  });

  it('rejects leading dims that differ, labels of the wrong rank and bad weights', () => {
    expectXentError(() => crossEntropyLoss(x, [ids[0]!]), 'SHAPE_MISMATCH', { argument: 'labels' });
    expectXentError(() => crossEntropyLoss(x, flatIds), 'SHAPE_MISMATCH', { argument: 'labels' });
    expectXentError(() => crossEntropyLoss(x, tf.tensor1d(flatIds, 'int32')), 'SHAPE_MISMATCH', {
      argument: 'labels',
    });
    expectXentError(() => crossEntropyLoss(x, tf.zeros([B, 2, C])), 'SHAPE_MISMATCH', { argument: 'labels' });
    expectXentError(() => crossEntropyLoss(x, ids, { weights: [1, 1, 1] }), 'SHAPE_MISMATCH', {
      argument: 'options.weights',
    });
    expectXentError(() => crossEntropyLoss(x, ids, { weights: [1, -1] }), 'INVALID_OPTION', {
      argument: 'options.weights',
    });
    expectXentError(() => crossEntropyLoss(tf.zeros([B, 0, C]), tf.zeros([B, 0], 'int32')), 'EMPTY_BATCH');
  });

  it('reports an out-of-range label at its [b, t] position', () => {
    const bad = ids.map((row) => [...row]);
    bad[1]![2] = C;
    expect(() => crossEntropyLoss(x, bad)).toThrow(/\[1, 2\]/);
  });

  it('leaks nothing, forward and backward', () => {
    const xt = tf.tensor3d(x);
    expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => crossEntropyLoss(t, ids, { weights: [1, 2], ignoreIndex: IGNORE }))(xt),
    );
    xt.dispose();
  });
});
