import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal, seededRandom } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decoupledSoftmaxLoss } from '../src/decoupled-softmax-loss.js';
import { softTopKLoss } from '../src/soft-top-k-loss.js';
import { logSumExp, type Matrix, sigmoid } from './reference.js';

// DEXML decoupled softmax: each positive against the negatives of its row only.
function decoupled64(scores: Matrix, targets: Matrix, scale = 20): number[] {
  return scores.map((row, i) => {
    const s = row.map((v) => v * scale);
    const negatives = s.filter((_, l) => targets[i]![l]! < 0.5);
    const positives = s.filter((_, l) => targets[i]![l]! >= 0.5);
    if (positives.length === 0) return 0;
    const terms = positives.map((sp) => logSumExp([sp, ...negatives]) - sp);
    return terms.reduce((a, b) => a + b, 0) / positives.length;
  });
}

// DEXML soft top-k: t by bisection (float64, 200 steps) so that Σ σ(α(s + t)) = K; −mean log σ over positives.
function softTopK64(
  scores: Matrix,
  targets: Matrix,
  o: { k?: number; alpha?: number; scale?: number } = {},
): number[] {
  const k = o.k ?? 5;
  const alpha = o.alpha ?? 2;
  const scale = o.scale ?? 20;
  return scores.map((row, i) => {
    const s = row.map((v) => v * scale);
    let lo = -Math.max(...s) - 10 / alpha;
    let hi = -Math.min(...s) + 10 / alpha;
    for (let it = 0; it < 200; it++) {
      const mid = (lo + hi) / 2;
      const total = s.reduce((acc, v) => acc + sigmoid(alpha * (v + mid)), 0);
      if (total < k) lo = mid;
      else hi = mid;
    }
    const t = (lo + hi) / 2;
    const positives = s.filter((_, l) => targets[i]![l]! >= 0.5);
    if (positives.length === 0) return 0;
    return -positives.reduce((acc, v) => acc + Math.log(sigmoid(alpha * (v + t))), 0) / positives.length;
  });
}

const scores = randomNormal([3, 5], 21, 0.5) as Matrix;
const targets = [
  [1, 0, 0, 1, 0],
  [0, 0, 1, 0, 0],
  [0, 0, 0, 0, 0],
];

runLossConformance(
  decoupledSoftmaxLoss,
  [
    {
      name: 'scale 2',
      inputs: [scores, targets],
      options: { scale: 2 },
      reference: ([s, t]) => decoupled64(s as Matrix, t as Matrix, 2),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'], fuzz: { options: { scale: 2 }, binaryInputs: ['targets'] } },
);

runLossConformance(
  softTopKLoss,
  [
    {
      name: 'k 2, alpha 1.5, scale 3',
      inputs: [scores, targets],
      options: { k: 2, alpha: 1.5, scale: 3 },
      reference: ([s, t]) => softTopK64(s as Matrix, t as Matrix, { k: 2, alpha: 1.5, scale: 3 }),
      gradTolerance: { atol: 2e-4, rtol: 2e-3 },
    },
  ],
  {
    backends: ['cpu', 'wasm', 'webgpu'],
    fuzz: { options: { k: 1, alpha: 1.5, scale: 3 }, binaryInputs: ['targets'], dims: { L: [2, 6] } },
  },
);

describeBackends(['cpu', 'wasm'], () => {
  describe('decoupledSoftmaxLoss', () => {
    it('is softmax cross-entropy when a row has one positive (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 10_000 }), (l, seed) => {
          const s = randomNormal([2, l], seed) as Matrix;
          const next = seededRandom(seed);
          const ids = [0, 1].map(() => Math.floor(next() * l));
          const t = ids.map((id) => Array.from({ length: l }, (_, j) => (j === id ? 1 : 0)));
          const ce = s.map((row, i) => logSumExp(row) - row[ids[i]!]!);
          expectClose(
            tf.tidy(() => decoupledSoftmaxLoss(s, t, { scale: 1, reduction: 'none' })),
            ce,
            { atol: 1e-5 },
          );
        }),
        { numRuns: 20 },
      );
    });
    it('does not penalise a row for having many positives (a row of only positives gives 0)', () => {
      expectClose(decoupledSoftmaxLoss([[0.1, 0.2, 0.3]], [[1, 1, 1]], { reduction: 'none' }), [0]);
      const x = tf.tensor([[0.1, 0.2, 0.3]]);
      expectClose(tf.grad((s: tf.Tensor) => decoupledSoftmaxLoss(s, [[1, 1, 1]]))(x), [[0, 0, 0]]);
      x.dispose();
    });
    it('rejects non-binary targets and leaks nothing', () => {
      expectXentError(() => decoupledSoftmaxLoss([[1, 2]], [[0.5, 1]]), 'LABEL_OUT_OF_RANGE', {
        argument: 'targets',
      });
      expectNoLeak(() => decoupledSoftmaxLoss(scores, targets));
    });
  });
  describe('softTopKLoss', () => {
    it('is invariant to adding a constant to a row (the threshold absorbs it) (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000 }),
          fc.double({ min: -1, max: 1, noNaN: true }),
          (seed, shift) => {
            const s = randomNormal([2, 6], seed, 0.3) as Matrix;
            const t = [
              [1, 0, 0, 0, 1, 0],
              [0, 1, 0, 0, 0, 0],
            ];
            const shifted = s.map((row) => row.map((v) => v + shift));
            const a = tf.tidy(() => softTopKLoss(s, t, { k: 3, reduction: 'none' }).arraySync());
            const b = tf.tidy(() => softTopKLoss(shifted, t, { k: 3, reduction: 'none' }).arraySync());
            expectClose(a, b, { atol: 1e-3, rtol: 1e-3 });
          },
        ),
        { numRuns: 20 },
      );
    });
    it('rejects K ≥ L and bad targets, and leaks nothing', () => {
      expectXentError(() => softTopKLoss([[1, 2, 3]], [[1, 0, 0]], { k: 3 }), 'INVALID_OPTION', {
        argument: 'options.k',
      });
      expectXentError(() => softTopKLoss([[1, 2, 3]], [[2, 0, 0]], { k: 1 }), 'LABEL_OUT_OF_RANGE');
      expectXentError(
        () => softTopKLoss([[1, 2, 3]], [[1, 0, 0]], { k: 1, iterations: 0 }),
        'INVALID_OPTION',
      );
      const x = tf.tensor(scores);
      expectNoLeak(() => tf.grad((s: tf.Tensor) => softTopKLoss(s, targets, { k: 2 }))(x));
      x.dispose();
      expect(true).toBe(true);
    });
  });
});
