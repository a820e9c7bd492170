import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyLoss } from '../src/any-loss.js';
import { focalLoss } from '../src/focal-loss.js';
import { logitClip } from '../src/logit-clip.js';
import { polyLoss } from '../src/poly-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { crossEntropyRow64, logSoftmax64, perExample64 } from './reference-b.js';

const clip64 = (row: number[], maxNorm: number) => {
  const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
  return norm > maxNorm ? row.map((v) => (v * maxNorm) / norm) : row;
};

// CE through polyLoss with ε = 0 (part A's crossEntropyLoss wraps the same way).
const clippedCe = logitClip(polyLoss, { tau: 0.5 });
const clippedFocal = logitClip(focalLoss, { tau: 1 / 1.5 });

runLossConformance(
  clippedCe,
  [
    {
      name: 'CE, τ = 0.5 (norm ≤ 2; most rows clipped)',
      inputs: [logits, ids],
      options: { epsilon: 0 },
      reference: (inputs) => perExample64(inputs, (row, t) => crossEntropyRow64(clip64(row, 2), t)),
    },
    {
      name: 'CE, soft targets',
      inputs: [logits, soft],
      options: { epsilon: 0 },
      reference: (inputs) => perExample64(inputs, (row, t) => crossEntropyRow64(clip64(row, 2), t)),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

runLossConformance(
  clippedFocal,
  [
    {
      name: 'focal γ = 2, τ = 1/1.5',
      inputs: [logits, ids],
      reference: (inputs) =>
        perExample64(inputs, (row, t) => {
          const logp = logSoftmax64(clip64(row, 1.5));
          return -logp.reduce((s, lp, c) => s + t[c]! * (1 - Math.exp(lp)) ** 2 * lp, 0);
        }),
    },
  ],
  { backends: ['cpu', 'wasm'] },
);

describe('logitClip properties (Wei et al. 2023)', () => {
  const row = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: C, maxLength: C });
  const label = fc.integer({ min: 0, max: C - 1 });
  it('leaves logits with norm ≤ 1/τ alone and makes the loss scale-invariant beyond it', () => {
    fc.assert(
      fc.property(row, label, fc.double({ min: 1.01, max: 50, noNaN: true }), (r, y, scale) => {
        const wide = logitClip(polyLoss, { tau: 1e-3 });
        expectClose(wide([r], [y], { epsilon: 0 }), polyLoss([r], [y], { epsilon: 0 }), { atol: 1e-5 });
        const norm = Math.sqrt(r.reduce((s, v) => s + v * v, 0));
        if (norm < 1e-3) return true;
        const tight = logitClip(polyLoss, { tau: (2 * scale) / norm });
        const a = tight([r], [y], { epsilon: 0 }).dataSync()[0]!;
        const b = tight([r.map((v) => v * scale)], [y], { epsilon: 0 }).dataSync()[0]!;
        expectClose(b, a, { atol: 1e-5, rtol: 1e-4 });
        return true;
      }),
      { numRuns: 30 },
    );
  });
  it('bounds CE: logits of norm ≤ δ give CE ≤ log C + 2δ', () => {
    fc.assert(
      fc.property(row, label, (r, y) => {
        const v = clippedCe([r], [y], { epsilon: 0 }).dataSync()[0]!;
        return v <= Math.log(C) + 2 * 2 + 1e-5;
      }),
      { numRuns: 30 },
    );
  });
  it('wraps batch-level losses, names the wrapper, validates the original logits and τ', () => {
    const clippedAny = logitClip(anyLoss, { tau: 2 });
    expect(clippedAny.spec.name).toBe('logitClip(anyLoss)');
    expect(Number.isFinite(clippedAny([3, -3], [1, 0]).dataSync()[0]!)).toBe(true);
    expect(clippedCe.spec.id).toBe('xent/poly-logit-clip');
    expectXentError(() => clippedCe([[Number.NaN, 1, 2, 3, 4]], [0]), 'NON_FINITE_INPUT', {
      argument: 'logits',
    });
    expectXentError(() => logitClip(polyLoss, { tau: 0 }), 'INVALID_OPTION', { argument: 'options.tau' });
  });
});
