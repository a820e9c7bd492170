import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { angleLoss } from '../src/angle-loss.js';
import { cosentLoss } from '../src/cosent-loss.js';
import { cosineSimilarityLoss } from '../src/cosine-similarity-loss.js';
import { cosine, dot, logSumExp, type Matrix } from './reference.js';

// CoSENT: log(1 + Σ over ordered pairs of pairs y_m < y_n of exp(scale·(s_m − s_n))).
function rankConsistency64(s: readonly number[], y: readonly number[], scale: number): number {
  const terms = [0];
  for (let m = 0; m < s.length; m++) {
    for (let n = 0; n < s.length; n++) if (y[m]! < y[n]!) terms.push(scale * (s[m]! - s[n]!));
  }
  return logSumExp(terms);
}

// AnglE: x, y as complex vectors (first half real, second half imaginary, odd D padded with 0);
// s = |Σ_k Re(z_k) + Im(z_k)|, z_k = x_k·conj(y_k)/(‖x‖‖y‖).
function angle64(x: readonly number[], y: readonly number[]): number {
  const pad = (v: readonly number[]) => (v.length % 2 === 0 ? [...v] : [...v, 0]);
  const a = pad(x);
  const b = pad(y);
  const h = a.length / 2;
  const norm = Math.sqrt(dot(a, a)) * Math.sqrt(dot(b, b));
  let total = 0;
  for (let k = 0; k < h; k++) {
    const [p, q] = [a[k]!, a[k + h]!];
    const [r, t] = [b[k]!, b[k + h]!];
    // (p + iq)(r − it) = (pr + qt) + i(qr − pt)
    total += (p * r + q * t + (q * r - p * t)) / norm;
  }
  return Math.abs(total);
}

const cosent64 = (u: Matrix, v: Matrix, y: number[], scale = 20) =>
  rankConsistency64(
    u.map((x, i) => cosine(x, v[i]!)),
    y,
    scale,
  );
const angleLoss64 = (u: Matrix, v: Matrix, y: number[], scale = 20) =>
  rankConsistency64(
    u.map((x, i) => angle64(x, v[i]!)),
    y,
    scale,
  );
const cosSim64 = (u: Matrix, v: Matrix, y: number[], l1 = false) =>
  u.map((x, i) => {
    const e = cosine(x, v[i]!) - y[i]!;
    return l1 ? Math.abs(e) : e * e;
  });

const u = randomNormal([5, 4], 11) as Matrix;
const v = randomNormal([5, 4], 12) as Matrix;
const odd = randomNormal([5, 3], 13) as Matrix;
const oddV = randomNormal([5, 3], 14) as Matrix;
const gold = [0.9, 0.1, 0.5, 0.3, 0.7];
const tied = [1, 0, 1, 0, 0.5];

runLossConformance(
  cosentLoss,
  [
    {
      name: 'scale 2',
      inputs: [u, v, gold],
      options: { scale: 2 },
      reference: ([a, b, y], o) => cosent64(a as Matrix, b as Matrix, y as number[], o.scale as number),
    },
    {
      name: 'default scale 20, gold scores outside [−1, 1]',
      inputs: [u, v, [2, -1, 0.3, 5, 1]],
      reference: ([a, b, y]) => cosent64(a as Matrix, b as Matrix, y as number[]),
      gradTolerance: { atol: 1e-3, rtol: 1e-2 },
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

runLossConformance(
  angleLoss,
  [
    {
      name: 'even D, scale 2',
      inputs: [u, v, gold],
      options: { scale: 2 },
      reference: ([a, b, y], o) => angleLoss64(a as Matrix, b as Matrix, y as number[], o.scale as number),
    },
    {
      name: 'odd D (zero-padded), default scale',
      inputs: [odd, oddV, gold],
      reference: ([a, b, y]) => angleLoss64(a as Matrix, b as Matrix, y as number[]),
      gradTolerance: { atol: 1e-3, rtol: 1e-2 },
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

runLossConformance(
  cosineSimilarityLoss,
  [
    {
      name: 'mse',
      inputs: [u, v, gold],
      reference: ([a, b, y]) => cosSim64(a as Matrix, b as Matrix, y as number[]),
    },
    {
      name: 'l1',
      inputs: [u, v, gold],
      options: { lossFct: 'l1' },
      reference: ([a, b, y]) => cosSim64(a as Matrix, b as Matrix, y as number[], true),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

interface StCase {
  readonly emb1: Matrix;
  readonly emb2: Matrix;
  readonly scores: number[];
  readonly [value: string]: unknown;
}
// Values computed by sentence-transformers itself (test/peers/st_scored_pairs.py, float64).
const st = JSON.parse(readFileSync(new URL('./fixtures/st-scored-pairs.json', import.meta.url), 'utf8')) as {
  cases: StCase[];
};

describeBackends(['cpu', 'wasm'], () => {
  describe('sentence-transformers 6 cross-check (fixtures)', () => {
    it('cosentLoss, angleLoss and cosineSimilarityLoss match CoSENTLoss, AnglELoss and CosineSimilarityLoss', () => {
      for (const c of st.cases) {
        for (const scale of [20, 2]) {
          expectClose(cosentLoss(c.emb1, c.emb2, c.scores, { scale }), c[`cosent_${scale}`] as number, {
            rtol: 1e-5,
          });
          expectClose(angleLoss(c.emb1, c.emb2, c.scores, { scale }), c[`angle_${scale}`] as number, {
            rtol: 1e-5,
          });
        }
        expectClose(cosineSimilarityLoss(c.emb1, c.emb2, c.scores), c.cosine_mse as number, { rtol: 1e-5 });
        expectClose(
          cosineSimilarityLoss(c.emb1, c.emb2, c.scores, { lossFct: 'l1' }),
          c.cosine_l1 as number,
          {
            rtol: 1e-5,
          },
        );
      }
    });
  });
  describe('cosentLoss and angleLoss', () => {
    it('give exactly 0 with a zero gradient for one pair or all-equal gold scores', () => {
      for (const loss of [cosentLoss, angleLoss]) {
        const single = tf.tidy(() => loss([u[0]!], [v[0]!], [0.4]).dataSync()[0]);
        expect(single).toBe(0);
        const emb = tf.tensor2d(u);
        const grad = tf.grad((x: tf.Tensor) => loss(x, v, [0.5, 0.5, 0.5, 0.5, 0.5]))(emb);
        expect(Array.from(grad.dataSync()).every((g) => g === 0)).toBe(true);
        tf.dispose([emb, grad]);
      }
    });
    it('skip tied gold scores (neither order counts)', () => {
      expectClose(cosentLoss(u, v, tied), cosent64(u, v, tied));
      expectClose(angleLoss(u, v, tied, { scale: 3 }), angleLoss64(u, v, tied, 3));
    });
    it('depend only on the order of the gold scores (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000 }),
          fc.double({ min: 0.1, max: 10, noNaN: true }),
          fc.double({ min: -5, max: 5, noNaN: true }),
          (seed, a, b) => {
            const x = randomNormal([4, 4], seed) as Matrix;
            const y = randomNormal([4, 4], seed + 1) as Matrix;
            const s = [0.1, 0.7, 0.4, 0.9];
            const moved = s.map((g) => a * g ** 3 + b);
            for (const loss of [cosentLoss, angleLoss]) {
              const l1 = tf.tidy(() => loss(x, y, s).dataSync()[0]!);
              const l2 = tf.tidy(() => loss(x, y, moved).dataSync()[0]!);
              expect(Math.abs(l1 - l2)).toBeLessThan(1e-5 * Math.max(1, Math.abs(l1)));
            }
          },
        ),
        { numRuns: 15 },
      );
    });
    it('angle similarity is the cosine for real embeddings compared with themselves', () => {
      // z_k = |x_k|²/‖x‖² has no imaginary part, so s = Σ_k |x_k|²/‖x‖² = 1, the same for every pair.
      const x = randomNormal([3, 4], 5) as Matrix;
      expect(tf.tidy(() => angleLoss(x, x, [0.1, 0.2, 0.3], { scale: 1 }).dataSync()[0]!)).toBeCloseTo(
        Math.log(1 + 3),
        5,
      );
    });
    it('reject bad inputs with their codes', () => {
      for (const loss of [cosentLoss, angleLoss]) {
        expectXentError(() => loss(u, v, gold, { scale: 0 }), 'INVALID_OPTION', {
          argument: 'options.scale',
        });
        expectXentError(() => loss(u, v.slice(1), gold), 'SHAPE_MISMATCH', { argument: 'emb2' });
        expectXentError(() => loss(u, v, gold.slice(1)), 'SHAPE_MISMATCH', { argument: 'scores' });
        expectXentError(() => loss(u, v, [0, 1, Number.NaN, 0, 0]), 'NON_FINITE_INPUT', {
          argument: 'scores',
        });
        expectXentError(() => loss(u, v, gold, { reduction: 'none' } as never), 'INVALID_OPTION', {
          argument: 'options.reduction',
        });
        expectNoLeak(() => loss(u, v, gold));
      }
    });
  });
  describe('cosineSimilarityLoss', () => {
    it('is zero exactly when the gold score is the cosine, and its gradient reaches the scores', () => {
      const y = u.map((x, i) => cosine(x, v[i]!));
      expectClose(cosineSimilarityLoss(u, v, y, { reduction: 'none' }), [0, 0, 0, 0, 0], { atol: 1e-6 });
      const scores = tf.tensor1d(gold);
      const grad = tf.grad((s: tf.Tensor) => cosineSimilarityLoss(u, v, s))(scores);
      expectClose(
        grad,
        gold.map((g, i) => (-2 * (y[i]! - g)) / 5),
        { atol: 1e-5 },
      );
      tf.dispose([scores, grad]);
    });
    it('rejects an unknown lossFct and does not leak', () => {
      expectXentError(
        () => cosineSimilarityLoss(u, v, gold, { lossFct: 'huber' as never }),
        'INVALID_OPTION',
        {
          argument: 'options.lossFct',
        },
      );
      expectNoLeak(() => cosineSimilarityLoss(u, v, gold, { lossFct: 'l1', weights: [1, 2, 3, 4, 5] }));
    });
  });
});
