import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { infoNceLoss } from '../src/info-nce-loss.js';
import { logSumExp, type Matrix, similarities } from './reference.js';

function infoNce64(
  q: Matrix,
  d: Matrix,
  o: { scale?: number; symmetric?: boolean; hard?: Matrix; dot?: boolean },
): number[] {
  const scale = o.scale ?? 20;
  const kind = o.dot ? 'dot' : 'cosine';
  const forward = similarities(q, [...d, ...(o.hard ?? [])], kind).map((row, i) => {
    const logits = row.map((s) => s * scale);
    return logSumExp(logits) - logits[i]!;
  });
  if (!o.symmetric) return forward;
  const backward = similarities(d, q, kind).map((row, i) => {
    const logits = row.map((s) => s * scale);
    return logSumExp(logits) - logits[i]!;
  });
  return forward.map((f, i) => (f + backward[i]!) / 2);
}

const q = randomNormal([4, 3], 1) as Matrix;
const d = randomNormal([4, 3], 2) as Matrix;
const hard = randomNormal([2, 3], 3) as Matrix;

runLossConformance(
  infoNceLoss,
  [
    {
      name: 'cosine, scale 5',
      inputs: [q, d],
      options: { scale: 5 },
      reference: ([a, b], o) => infoNce64(a as Matrix, b as Matrix, o as never),
    },
    {
      name: 'symmetric dot',
      inputs: [q, d],
      options: { scale: 1, symmetric: true, similarity: 'dot' },
      reference: ([a, b]) => infoNce64(a as Matrix, b as Matrix, { scale: 1, symmetric: true, dot: true }),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describeBackends(['cpu', 'wasm'], () => {
  describe('infoNceLoss', () => {
    it('appends hard negatives to every query', () => {
      const got = infoNceLoss(q, d, { scale: 5, hardNegatives: hard, reduction: 'none' });
      expectClose(got, infoNce64(q, d, { scale: 5, hard }));
    });
    it('is the cross-entropy with in-batch negatives: log N at zero similarity (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 1000 }), (n, seed) => {
          const x = randomNormal([n, 3], seed) as Matrix;
          const value = tf.tidy(() => infoNceLoss(x, x, { scale: 1e-6 }).dataSync()[0]!);
          expect(Math.abs(value - Math.log(n))).toBeLessThan(1e-4);
        }),
        { numRuns: 20 },
      );
    });
    it('rejects bad hard negatives', () => {
      expectXentError(() => infoNceLoss(q, d, { hardNegatives: [[1, 2]] }), 'INVALID_OPTION', {
        argument: 'options.hardNegatives',
      });
      expectXentError(() => infoNceLoss(q, d, { hardNegatives: [[1, 2, Number.NaN]] }), 'NON_FINITE_INPUT');
      expectXentError(() => infoNceLoss(q, d, { scale: 0 }), 'INVALID_OPTION', { argument: 'options.scale' });
      expectXentError(() => infoNceLoss(q, d.slice(1)), 'SHAPE_MISMATCH', { argument: 'docs' });
    });
    it('does not leak', () => {
      expectNoLeak(() => infoNceLoss(q, d, { hardNegatives: hard, symmetric: true }));
    });
  });
});
