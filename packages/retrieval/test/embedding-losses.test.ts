import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { debiasedContrastiveLoss } from '../src/debiased-contrastive-loss.js';
import { decoupledContrastiveLoss } from '../src/decoupled-contrastive-loss.js';
import { infoNceLoss } from '../src/info-nce-loss.js';
import { createSigmoidLoss, sigmoidLoss } from '../src/sigmoid-loss.js';
import { cosine, logSumExp, type Matrix, similarities, softplus } from './reference.js';

// SigLIP: Σ_j −log σ(z_ij (t·cos + b)), z = +1 on the diagonal.
function siglip64(q: Matrix, d: Matrix, t = 10, b = -10): number[] {
  return similarities(q, d).map((row, i) =>
    row.reduce((acc, s, j) => acc + softplus(-(i === j ? 1 : -1) * (t * s + b)), 0),
  );
}

// Debiased contrastive loss (Chuang et al.) with M = 1 positive and N − 1 negatives.
function debiased64(q: Matrix, d: Matrix, t = 0.5, tauPlus = 0.1): number[] {
  const n = q.length;
  return similarities(q, d).map((row, i) => {
    const pos = Math.exp(row[i]! / t);
    const neg = row.reduce((acc, s, j) => (j === i ? acc : acc + Math.exp(s / t)), 0);
    const ng = Math.max((neg - tauPlus * (n - 1) * pos) / (1 - tauPlus), (n - 1) * Math.exp(-1 / t));
    return -Math.log(pos / (pos + ng));
  });
}

// DCL (Yeh et al.): positive removed from the denominator, both views as negatives, symmetrised.
function dcl64(q: Matrix, d: Matrix, tau = 0.1, weighted = false, sigma = 0.5): number[] {
  const n = q.length;
  const positives = q.map((x, i) => cosine(x, d[i]!));
  const maxP = Math.max(...positives.map((p) => p / sigma));
  const z = positives.reduce((acc, p) => acc + Math.exp(p / sigma - maxP), 0);
  const w = positives.map((p) => (weighted ? 2 - (n * Math.exp(p / sigma - maxP)) / z : 1));
  const side = (a: Matrix, b: Matrix) =>
    a.map((x, i) => {
      const others: number[] = [];
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        others.push(cosine(x, b[j]!) / tau, cosine(x, a[j]!) / tau);
      }
      return -w[i]! * (cosine(x, b[i]!) / tau) + logSumExp(others);
    });
  const first = side(q, d);
  const second = side(d, q);
  return first.map((v, i) => (v + second[i]!) / 2);
}

const q = randomNormal([4, 3], 31) as Matrix;
const d = randomNormal([4, 3], 32) as Matrix;

runLossConformance(
  sigmoidLoss,
  [
    { name: 'defaults', inputs: [q, d], reference: ([a, b]) => siglip64(a as Matrix, b as Matrix) },
    {
      name: 't 2, b −1',
      inputs: [q, d],
      options: { temperature: 2, bias: -1 },
      reference: ([a, b]) => siglip64(a as Matrix, b as Matrix, 2, -1),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);
runLossConformance(
  debiasedContrastiveLoss,
  [
    { name: 'defaults', inputs: [q, d], reference: ([a, b]) => debiased64(a as Matrix, b as Matrix) },
    {
      name: 't 0.1, τ⁺ 0.3',
      inputs: [q, d],
      options: { temperature: 0.1, tauPlus: 0.3 },
      reference: ([a, b]) => debiased64(a as Matrix, b as Matrix, 0.1, 0.3),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);
runLossConformance(
  decoupledContrastiveLoss,
  [
    {
      name: 'τ 0.5',
      inputs: [q, d],
      options: { temperature: 0.5 },
      reference: ([a, b]) => dcl64(a as Matrix, b as Matrix, 0.5),
    },
    {
      name: 'DCLW',
      inputs: [q, d],
      options: { temperature: 0.5, weighted: true },
      reference: ([a, b]) => dcl64(a as Matrix, b as Matrix, 0.5, true),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describeBackends(['cpu', 'wasm'], () => {
  describe('sigmoidLoss', () => {
    it('is symmetric: swapping queries and docs keeps the total (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 10_000 }), (n, seed) => {
          const a = randomNormal([n, 3], seed) as Matrix;
          const b = randomNormal([n, 3], seed + 1) as Matrix;
          const x = tf.tidy(() => sigmoidLoss(a, b, { reduction: 'sum' }).dataSync()[0]!);
          const y = tf.tidy(() => sigmoidLoss(b, a, { reduction: 'sum' }).dataSync()[0]!);
          expect(Math.abs(x - y)).toBeLessThan(1e-3 * Math.max(1, Math.abs(x)));
        }),
        { numRuns: 20 },
      );
    });
    it('learns its temperature and bias through createSigmoidLoss', () => {
      const siglip = createSigmoidLoss({ temperature: 2, bias: -1 });
      expectClose(siglip(q, d, { reduction: 'none' }), siglip64(q, d, 2, -1));
      const { value, grads } = tf.variableGrads(() => siglip(q, d) as tf.Scalar, [...siglip.variables]);
      // d/d log t = t · d/dt; finite differences of the reference in t and b.
      const eps = 1e-5;
      const meanAt = (t: number, b: number) => siglip64(q, d, t, b).reduce((x, y) => x + y, 0) / q.length;
      const dt = (meanAt(2 + eps, -1) - meanAt(2 - eps, -1)) / (2 * eps);
      const db = (meanAt(2, -1 + eps) - meanAt(2, -1 - eps)) / (2 * eps);
      expectClose(grads[siglip.logTemperature.name]!, 2 * dt, { rtol: 1e-3 });
      expectClose(grads[siglip.bias.name]!, db, { rtol: 1e-3 });
      tf.dispose([value, ...Object.values(grads)]);
      expectNoLeak(() => siglip(q, d));
      siglip.dispose();
      expectXentError(() => createSigmoidLoss({ temperature: 0 }), 'INVALID_OPTION', {
        argument: 'options.temperature',
      });
      expectXentError(() => sigmoidLoss(q, d, { bias: 'x' as never }), 'INVALID_OPTION', {
        argument: 'options.bias',
      });
      expectXentError(() => sigmoidLoss(q, d, { temperature: -1 }), 'INVALID_OPTION', {
        argument: 'options.temperature',
      });
    });
  });
  describe('debiasedContrastiveLoss', () => {
    it('is InfoNCE with scale 1/t when τ⁺ = 0 (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 5 }),
          fc.integer({ min: 1, max: 10_000 }),
          fc.double({ min: 0.1, max: 1, noNaN: true }),
          (n, seed, t) => {
            const a = randomNormal([n, 3], seed) as Matrix;
            const b = randomNormal([n, 3], seed + 7) as Matrix;
            const x = tf.tidy(
              () => debiasedContrastiveLoss(a, b, { temperature: t, tauPlus: 0 }).dataSync()[0]!,
            );
            const y = tf.tidy(() => infoNceLoss(a, b, { scale: 1 / t }).dataSync()[0]!);
            expect(Math.abs(x - y)).toBeLessThan(1e-4 * Math.max(1, Math.abs(y)));
          },
        ),
        { numRuns: 20 },
      );
    });
    it('clamps the corrected negative term (finite for a large τ⁺)', () => {
      const v = debiasedContrastiveLoss(q, q, { tauPlus: 0.99, reduction: 'none' }).arraySync() as number[];
      expect(v.every(Number.isFinite)).toBe(true);
      expectClose(v, debiased64(q, q, 0.5, 0.99), { rtol: 1e-4 });
      expectXentError(() => debiasedContrastiveLoss(q, d, { tauPlus: 1 }), 'INVALID_OPTION', {
        argument: 'options.tauPlus',
      });
    });
  });
  describe('decoupledContrastiveLoss', () => {
    it('DCLW equals DCL when every positive pair has the same similarity (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 10_000 }), (n, seed) => {
          const a = randomNormal([n, 3], seed) as Matrix;
          const x = tf.tidy(
            () => decoupledContrastiveLoss(a, a, { weighted: true, temperature: 0.5 }).dataSync()[0]!,
          );
          const y = tf.tidy(() => decoupledContrastiveLoss(a, a, { temperature: 0.5 }).dataSync()[0]!);
          expect(Math.abs(x - y)).toBeLessThan(1e-4 * Math.max(1, Math.abs(y)));
        }),
        { numRuns: 20 },
      );
    });
    it('needs two rows and leaks nothing', () => {
      expectXentError(() => decoupledContrastiveLoss([[1, 2]], [[2, 1]]), 'SHAPE_MISMATCH', {
        argument: 'queries',
      });
      expectNoLeak(() => decoupledContrastiveLoss(q, d, { weighted: true }));
    });
  });
});
