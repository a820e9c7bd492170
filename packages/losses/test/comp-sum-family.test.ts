import * as tf from '@tensorflow/tfjs';
import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compSumLoss, crossEntropyLoss, gceLoss, maeLoss } from '../src/index.js';
import { logitsAndIds, sample, values } from './data.js';
import { compSum64, crossEntropy64, gce64, type Label, mae64, type Row } from './reference.js';

type Ref = (inputs: readonly unknown[], options: Record<string, unknown>) => number[];
const rows = (inputs: readonly unknown[]) => [inputs[0] as Row[], inputs[1] as Label[]] as const;
const compSumRef: Ref = (inputs, o) => compSum64(...rows(inputs), (o.tau as number | undefined) ?? 1);
const gceRef: Ref = (inputs, o) =>
  gce64(...rows(inputs), (o.q as number | undefined) ?? 0.7, (o.k as number) ?? 0);
const maeRef: Ref = (inputs) => mae64(...rows(inputs));
const { logits, ids, soft } = sample(6, 4, 21);
const backends = { backends: ['cpu', 'wasm'] } as const;

runLossConformance(
  compSumLoss,
  [0, 0.5, 1, 1.5, 2, 3].map((tau) => ({
    name: `τ = ${tau}`,
    inputs: [logits, tau === 0.5 ? soft : ids],
    options: { tau },
    reference: compSumRef,
    tolerance: { atol: 1e-5, rtol: 1e-4 },
  })),
  // τ < 1 grows like p^(τ−1): the fuzz suite's extreme logits (a gap of 90) saturate at the largest
  // float32 there (finite value and gradient), which the fuzz checks at τ = 0.5.
  { ...backends, fuzz: { options: { tau: 0.5 } } },
);
runLossConformance(
  gceLoss,
  [
    { name: 'q = 0.7', inputs: [logits, ids], reference: gceRef },
    { name: 'soft, q = 0.3', inputs: [logits, soft], options: { q: 0.3 }, reference: gceRef },
    // k = 0.2 truncates some rows of this sample (p_y ≤ 0.2), keeps others.
    { name: 'truncated, k = 0.2', inputs: [logits, ids], options: { q: 0.7, k: 0.2 }, reference: gceRef },
  ],
  backends,
);
runLossConformance(
  maeLoss,
  [
    { name: 'int labels', inputs: [logits, ids], reference: maeRef },
    { name: 'soft targets', inputs: [logits, soft], reference: maeRef },
  ],
  backends,
);

describe('comp-sum family properties (Mao, Mohri & Zhong 2023; Zhang & Sabuncu 2018)', () => {
  it('compSum τ = 1 equals cross-entropy', () => {
    fc.assert(
      fc.property(logitsAndIds, ({ logits: z, ids: y }) => {
        expectClose(compSumLoss(z, y, { tau: 1, reduction: 'none' }), crossEntropy64(z, y), { rtol: 1e-5 });
      }),
      { numRuns: 30 },
    );
  });
  it('compSum τ ∈ (1, 2) equals GCE with q = τ − 1, and τ = 2 equals MAE', () => {
    fc.assert(
      fc.property(
        logitsAndIds,
        fc.double({ min: 1.01, max: 1.99, noNaN: true }),
        ({ logits: z, ids: y }, tau) => {
          expectClose(
            values(compSumLoss(z, y, { tau, reduction: 'none' })),
            values(gceLoss(z, y, { q: tau - 1, reduction: 'none' })),
            { atol: 1e-6 },
          );
          expectClose(
            values(compSumLoss(z, y, { tau: 2, reduction: 'none' })),
            values(maeLoss(z, y, { reduction: 'none' })),
            { atol: 1e-6 },
          );
        },
      ),
      { numRuns: 30 },
    );
  });
  it('compSum τ = 0 is the sum-exponential loss 1/p_y − 1, and grows as τ falls', () => {
    fc.assert(
      fc.property(logitsAndIds, ({ logits: z, ids: y }) => {
        const sumExp = z.map((row, i) =>
          row.reduce((s, v, k) => s + (k === y[i] ? 0 : Math.exp(v - row[y[i]!]!)), 0),
        );
        expectClose(compSumLoss(z, y, { tau: 0, reduction: 'none' }), sumExp, { rtol: 1e-4, atol: 1e-5 });
        const a = values(compSumLoss(z, y, { tau: 0.5, reduction: 'none' }));
        const b = values(compSumLoss(z, y, { tau: 1.5, reduction: 'none' }));
        for (const [i, v] of a.entries()) expect(v).toBeGreaterThanOrEqual(b[i]! - 1e-6);
      }),
      { numRuns: 30 },
    );
  });
  it('GCE → cross-entropy as q → 0', () => {
    fc.assert(
      fc.property(logitsAndIds, ({ logits: z, ids: y }) => {
        const ce = crossEntropy64(z, y);
        // |L_q − CE| ≤ q·CE²/2 for small q; q = 1e-4 gives well below 1e-3 here.
        expectClose(gceLoss(z, y, { q: 1e-4, reduction: 'none' }), ce, {
          atol: 1e-4 * Math.max(...ce.map((v) => v * v)) + 1e-5,
          rtol: 1e-4,
        });
      }),
      { numRuns: 30 },
    );
  });
  it('GCE and MAE are bounded: 0 ≤ L_q ≤ 1/q, 0 ≤ MAE ≤ 1', () => {
    fc.assert(
      fc.property(logitsAndIds, fc.double({ min: 0.05, max: 1, noNaN: true }), ({ logits: z, ids: y }, q) => {
        for (const v of values(gceLoss(z, y, { q, reduction: 'none' }))) {
          expect(v).toBeGreaterThanOrEqual(-1e-6);
          expect(v).toBeLessThanOrEqual(1 / q + 1e-5);
        }
        for (const v of values(maeLoss(z, y, { reduction: 'none' }))) {
          expect(v).toBeGreaterThanOrEqual(-1e-6);
          expect(v).toBeLessThanOrEqual(1 + 1e-6);
        }
      }),
      { numRuns: 30 },
    );
  });
  it('truncated GCE is flat (zero gradient) where p_y ≤ k', () => {
    const z = [
      [5, 0, 0],
      [0, 5, 0],
    ];
    const y = [1, 1]; // row 0: p_y ≈ 0.007 ≤ k; row 1: p_y ≈ 0.99
    const grad = tf.grad((x: tf.Tensor) => gceLoss(x, y, { q: 0.7, k: 0.5, reduction: 'sum' }))(tf.tensor(z));
    const g = grad.arraySync() as number[][];
    expect(g[0]!.every((v) => v === 0)).toBe(true);
    expect(g[1]!.some((v) => v !== 0)).toBe(true);
    expectClose(gceLoss(z, y, { q: 0.7, k: 0.5, reduction: 'none' }), gce64(z, y, 0.7, 0.5));
  });
  it('compSum with cross-entropy options agrees with crossEntropyLoss on soft targets', () => {
    expectClose(compSumLoss(logits, soft), crossEntropyLoss(logits, soft), { atol: 1e-6 });
  });
  it('rejects out-of-range parameters', () => {
    expectXentError(() => compSumLoss(logits, ids, { tau: -1 }), 'INVALID_OPTION', {
      argument: 'options.tau',
    });
    expectXentError(() => gceLoss(logits, ids, { q: 0 }), 'INVALID_OPTION', { argument: 'options.q' });
    expectXentError(() => gceLoss(logits, ids, { q: 1.5 }), 'INVALID_OPTION', { argument: 'options.q' });
    expectXentError(() => gceLoss(logits, ids, { k: 1 }), 'INVALID_OPTION', { argument: 'options.k' });
    expectXentError(() => maeLoss(logits, ids, { q: 1 } as never), 'INVALID_OPTION', {
      argument: 'options.q',
    });
  });
});
