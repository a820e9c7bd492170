import * as tf from '@tensorflow/tfjs';
import {
  expectClose,
  expectNoLeak,
  expectXentError,
  gradCheck,
  randomNormal,
  seededRandom,
} from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatheredPairs, maskedPairs, mwLoss } from '../src/mw-loss.js';
import { type Matrix, mean, pairCountAuc, softplus } from './reference.js';

// The paper's loss: mean over (positive, negative) pairs of −log σ(scale·(s_p − s_n)).
function mw64(scores: Matrix, mask: Matrix, o: { scale?: number; pairing?: string } = {}): number {
  const scale = o.scale ?? 1;
  const pairMean = (cells: { s: number; pos: boolean }[]) => {
    const terms: number[] = [];
    for (const p of cells)
      if (p.pos) for (const n of cells) if (!n.pos) terms.push(softplus(scale * (n.s - p.s)));
    return terms.length ? mean(terms) : Number.NaN;
  };
  const cellsOf = (row: number[], i: number) => row.map((s, j) => ({ s, pos: mask[i]![j]! > 0.5 }));
  if (o.pairing === 'perQuery') {
    return mean(scores.map((row, i) => pairMean(cellsOf(row, i))).filter((v) => !Number.isNaN(v)));
  }
  return pairMean(scores.flatMap((row, i) => cellsOf(row, i)));
}

const scores = randomNormal([3, 4], 7) as Matrix;
const mask = [
  [1, 0, 0, 1],
  [0, 1, 0, 0],
  [1, 1, 1, 1],
];

runLossConformance(
  mwLoss,
  [
    { name: 'global', inputs: [scores, mask], reference: ([s, m]) => mw64(s as Matrix, m as Matrix) },
    {
      name: 'perQuery, scale 3, blocked',
      inputs: [scores, mask],
      options: { pairing: 'perQuery', scale: 3, blockElements: 5 },
      reference: ([s, m]) => mw64(s as Matrix, m as Matrix, { pairing: 'perQuery', scale: 3 }),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'], fuzz: { binaryInputs: ['positiveMask'] } },
);

describeBackends(['cpu', 'wasm'], () => {
  describe('mwLoss', () => {
    it('upper-bounds ln 2 · (1 − AUC), ties counted half (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 2, max: 7 }),
          fc.integer({ min: 1, max: 10_000 }),
          fc.constantFrom('global', 'perQuery'),
          fc.boolean(),
          (q, p, seed, pairing, ties) => {
            const next = seededRandom(seed);
            const s = Array.from({ length: q }, () =>
              Array.from({ length: p }, () => (ties ? Math.floor(next() * 3) : next() * 4 - 2)),
            );
            const m = Array.from({ length: q }, (_, i) =>
              Array.from({ length: p }, (_, j) => (j === i % p || next() < 0.3 ? 1 : 0)),
            );
            const positive = m.map((row) => row.map((v) => v === 1));
            const rows = s.map((row, i) => pairCountAuc(row, positive[i]!)).filter((v) => !Number.isNaN(v));
            const auc =
              pairing === 'global'
                ? pairCountAuc(s.flat(), positive.flat())
                : rows.length
                  ? mean(rows)
                  : Number.NaN;
            if (Number.isNaN(auc)) return;
            const value = tf.tidy(() => mwLoss(s, m, { pairing: pairing as 'global' }).dataSync()[0]!);
            expect(value).toBeGreaterThanOrEqual(Math.LN2 * (1 - auc) - 1e-6);
          },
        ),
        { numRuns: 40 },
      );
    });
    it('gives the same value and gradient in blocks of any size, and never builds the |P|×|N| tensor', () => {
      const q = 24;
      const s = randomNormal([q, q], 3) as Matrix;
      const eye = s.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      const expected = mw64(s, eye, { scale: 5 });
      const x = tf.tensor(s);
      const m = tf.tensor(eye);
      const full = tf.grad((t: tf.Tensor) => mwLoss(t, m, { scale: 5 }))(x);
      for (const blockElements of [1, 100, 1000]) {
        expectClose(mwLoss(x, m, { scale: 5, blockElements }), expected, { rtol: 1e-5 });
        expectClose(tf.grad((t: tf.Tensor) => mwLoss(t, m, { scale: 5, blockElements }))(x), full, {
          atol: 1e-7,
        });
      }
      // 24 positives × 552 negatives = 13,248 pair terms; with blocks of 1,000 no tensor exceeds Q·P = 576 or 1,000.
      return tf
        .profile(() => tf.grad((t: tf.Tensor) => mwLoss(t, m, { scale: 5, blockElements: 1000 }))(x))
        .then((info) => {
          const largest = Math.max(
            ...info.kernels.flatMap((k) => k.outputShapes.map((sh) => sh.reduce((a, b) => a * b, 1))),
          );
          expect(largest).toBeLessThanOrEqual(1000);
          tf.dispose([x, m, full]);
        });
    });
    it('the device-only pair path (used where the mask cannot be read) equals the gathered one', () => {
      const m = tf.tensor(mask);
      const s = tf.tensor(scores);
      for (const perQuery of [false, true]) {
        const value = (sets: ReturnType<typeof gatheredPairs>) => {
          // Recompute the weighted pair sum directly from the sets, in float32.
          const flat = sets.scores.arraySync() as number[];
          const pi = sets.posIndex.arraySync() as number[];
          const ni = sets.negIndex.arraySync() as number[];
          const wp = sets.posWeight.arraySync() as number[];
          const wn = sets.negWeight.arraySync() as number[];
          const sp = sets.posSegment.arraySync() as number[];
          const sn = sets.negSegment.arraySync() as number[];
          let total = 0;
          pi.forEach((a, x) => {
            ni.forEach((b, y) => {
              if (sp[x] === sn[y]) total += wp[x]! * wn[y]! * softplus(flat[b]! - flat[a]!);
            });
          });
          return total;
        };
        const a = tf.tidy(() => value(gatheredPairs(s, m.dataSync(), perQuery)));
        const b = tf.tidy(() => value(maskedPairs(s, m, perQuery)));
        expect(Math.abs(a - b)).toBeLessThan(1e-6);
        expect(Math.abs(a - mw64(scores, mask, { pairing: perQuery ? 'perQuery' : 'global' }))).toBeLessThan(
          1e-5,
        );
      }
      tf.dispose([m, s]);
    });
    it('has the gradient of the reference on a larger blocked case', () => {
      const s = randomNormal([5, 6], 11) as Matrix;
      const m = s.map((row, i) => row.map((_, j) => (j % 5 === i || j === 5 ? 1 : 0)));
      gradCheck({
        fn: (x) => mwLoss(x, m, { scale: 2, blockElements: 7 }),
        reference: (x) => mw64(x as Matrix, m, { scale: 2 }),
        at: [s],
      });
    });
    it('rejects masks that are not 0/1 and batches without a pair', () => {
      expectXentError(
        () =>
          mwLoss(scores, [
            [0.5, 0, 0, 1],
            [0, 1, 0, 0],
            [1, 1, 1, 1],
          ]),
        'LABEL_OUT_OF_RANGE',
        {
          argument: 'positiveMask',
        },
      );
      expectXentError(() => mwLoss([[1, 2]], [[1, 1]]), 'NO_PAIRS_MINED', { argument: 'positiveMask' });
      expectXentError(
        () =>
          mwLoss(
            [
              [1, 2],
              [3, 4],
            ],
            [
              [1, 1],
              [0, 0],
            ],
            { pairing: 'perQuery' },
          ),
        'NO_PAIRS_MINED',
      );
      expectXentError(() => mwLoss(scores, mask, { pairing: 'rows' as 'global' }), 'INVALID_OPTION', {
        argument: 'options.pairing',
      });
      expectXentError(() => mwLoss(scores, mask, { scale: -1 }), 'INVALID_OPTION', {
        argument: 'options.scale',
      });
      expectXentError(() => mwLoss(scores, mask, { blockElements: 0.5 }), 'INVALID_OPTION');
      expectXentError(() => mwLoss(scores, [[1, 0]]), 'SHAPE_MISMATCH', { argument: 'positiveMask' });
    });
    it('gives 0 with a zero gradient for a pairless batch when validation is off', () => {
      const x = tf.tensor([[1, 2]]);
      expectClose(mwLoss(x, [[1, 1]], { validate: false }), 0);
      expectClose(tf.grad((t: tf.Tensor) => mwLoss(t, [[1, 1]], { validate: false }))(x), [[0, 0]]);
      x.dispose();
    });
    it('does not leak, forward or backward', () => {
      const x = tf.tensor(scores);
      expectNoLeak(() => mwLoss(x, mask, { blockElements: 3 }));
      expectNoLeak(() =>
        tf.grad((t: tf.Tensor) => mwLoss(t, mask, { blockElements: 3, pairing: 'perQuery' }))(x),
      );
      x.dispose();
    });
  });
});
