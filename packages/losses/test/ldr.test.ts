import * as tf from '@tensorflow/tfjs';
import {
  badInputCases,
  expectBadInputErrors,
  expectClose,
  expectNoLeak,
  expectXentError,
  gradCheck,
} from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aldrKlLoss, createAldrKlState, crossEntropyLoss, ldrKlLoss } from '../src/index.js';
import { logitsAndIds, sample } from './data.js';
import { aldrKl64, type Label, ldrKl64, normalize64, type Row } from './reference.js';

type Mode = 'none' | 'softplus' | 'l1';
const { logits, ids, soft } = sample(6, 5, 41);

function ldrRef(inputs: readonly unknown[], o: Record<string, unknown>): number[] {
  const [z, y] = [inputs[0] as Row[], inputs[1] as Label[]];
  const mode = (o.normalization as Mode | undefined) ?? 'softplus';
  return z.map((row, i) =>
    ldrKl64(normalize64(row, mode), y[i]!, (o.lambda as number) ?? 1, (o.margin as number | undefined) ?? 2),
  );
}

runLossConformance(
  ldrKlLoss,
  [
    { name: 'defaults (softplus, λ = 1, c = 2)', inputs: [logits, ids], reference: ldrRef },
    {
      name: 'raw logits, λ = 0.5, c = 0.1, soft',
      inputs: [logits, soft],
      options: { normalization: 'none', lambda: 0.5, margin: 0.1 },
      reference: ldrRef,
    },
    {
      name: 'l1, λ = 3',
      inputs: [logits, ids],
      options: { normalization: 'l1', lambda: 3 },
      reference: ldrRef,
    },
  ],
  { backends: ['cpu', 'wasm'] },
);

describe('ldrKlLoss properties (Zhu, Ying & Yang 2023)', () => {
  it('with λ = 1, c = 0 on raw logits is cross-entropy − log C', () => {
    fc.assert(
      fc.property(logitsAndIds, ({ logits: z, ids: y }) => {
        const C = z[0]!.length;
        const ce = crossEntropyLoss(z, y, { reduction: 'none' });
        const ldr = ldrKlLoss(z, y, { lambda: 1, margin: 0, normalization: 'none', reduction: 'none' });
        expectClose(ldr, tf.sub(ce, Math.log(C)), { atol: 1e-5 });
        tf.dispose([ce, ldr]);
      }),
      { numRuns: 30 },
    );
  });
  it('tends to the max-margin loss max_k(c·1[k≠y] + s_k − s_y) as λ → 0', () => {
    fc.assert(
      fc.property(logitsAndIds, ({ logits: z, ids: y }) => {
        const hinge = z.map((row, i) =>
          Math.max(...row.map((v, k) => (k === y[i] ? 0 : 0.5) + v - row[y[i]!]!)),
        );
        const C = z[0]!.length;
        // λ·log((1/C)Σ exp(·/λ)) lies in [max − λ log C, max].
        const lam = 1e-3;
        expectClose(
          ldrKlLoss(z, y, { lambda: lam, margin: 0.5, normalization: 'none', reduction: 'none' }),
          hinge,
          {
            atol: lam * Math.log(C) + 1e-4,
          },
        );
      }),
      { numRuns: 30 },
    );
  });
});

describe('aldrKlLoss', () => {
  const options = { lambda0: 1, alpha: 2, margin: 1, normalization: 'l1' as Mode };
  const indices = [3, 0, 5, 1, 7, 2];

  it('matches the float64 reference for every reduction, and updates λ at the indices', () => {
    const state = createAldrKlState(8, 1);
    const expected = logits.map((row, i) => aldrKl64(row, ids[i]!, 1, options));
    const perRow = expected.map((e) => e.loss);
    expectClose(aldrKlLoss(logits, ids, { state, indices, update: false, reduction: 'none' }), perRow);
    expectClose(
      aldrKlLoss(logits, ids, { state, indices, update: false, reduction: 'sum' }),
      perRow.reduce((a, b) => a + b),
    );
    const w = [1, 2, 0, 1, 0.5, 1];
    expectClose(
      aldrKlLoss(logits, ids, { state, indices, update: false, weights: w }),
      perRow.reduce((s, v, i) => s + v * w[i]!, 0) / w.reduce((a, b) => a + b),
    );
    expectClose(state.lambdas, Array(8).fill(1));
    expectClose(aldrKlLoss(logits, ids, { state, indices }), perRow.reduce((a, b) => a + b) / 6);
    const lambdas = state.lambdas.arraySync() as number[];
    for (const [i, index] of indices.entries()) expect(lambdas[index]).toBeCloseTo(expected[i]!.lambda, 5);
    expect(lambdas[4]).toBe(1);
    expect(lambdas[6]).toBe(1);
    // The second call starts from the stored λ.
    const second = logits.map((row, i) => aldrKl64(row, ids[i]!, expected[i]!.lambda, options).loss);
    expectClose(aldrKlLoss(logits, ids, { state, indices, update: false, reduction: 'none' }), second);
    state.dispose();
  });
  it('keeps λᵢ in [λ₀(1 − 1/α), λ₀]', () => {
    fc.assert(
      fc.property(
        logitsAndIds,
        fc.double({ min: 1, max: 5, noNaN: true }),
        ({ logits: z, ids: y }, alpha) => {
          const state = createAldrKlState(z.length, 2);
          aldrKlLoss(z, y, { state, indices: z.map((_, i) => i), alpha, lambda: 2 }).dispose();
          for (const v of state.lambdas.dataSync()) {
            expect(v).toBeGreaterThanOrEqual(2 * (1 - 1 / alpha) - 1e-5);
            expect(v).toBeLessThanOrEqual(2 + 1e-6);
          }
          state.dispose();
        },
      ),
      { numRuns: 20 },
    );
  });
  it('has the gradient of the reference with λ held fixed (no gradient through λ)', () => {
    const state = createAldrKlState(8, 1);
    const lambdas = logits.map((row, i) => aldrKl64(row, ids[i]!, 1, options).lambda);
    gradCheck({
      fn: (x) => aldrKlLoss(x, ids, { state, indices, update: false }),
      reference: (x) =>
        (x as Row[]).reduce((s, row, i) => s + ldrKl64(normalize64(row, 'l1'), ids[i]!, lambdas[i]!, 1), 0) /
        6,
      at: [logits],
    });
    state.dispose();
  });
  it('accepts soft targets like one-hot rows', () => {
    const state = createAldrKlState(8, 1);
    const oneHot = ids.map((y) => [0, 1, 2, 3, 4].map((c) => (c === y ? 1 : 0)));
    expectClose(
      aldrKlLoss(logits, oneHot, { state, indices, update: false }),
      aldrKlLoss(logits, ids, { state, indices, update: false }),
    );
    state.dispose();
  });
  it('rejects bad inputs, a missing state and out-of-range indices; leaks nothing', () => {
    const state = createAldrKlState(8, 1);
    const valid = { state, indices, update: false };
    expectNoLeak(() => expectBadInputErrors(badInputCases(aldrKlLoss, [logits, ids], valid)));
    expectXentError(() => aldrKlLoss(logits, ids, { indices }), 'INVALID_OPTION', {
      argument: 'options.state',
    });
    expectXentError(() => aldrKlLoss(logits, ids, { state }), 'INVALID_OPTION', {
      argument: 'options.indices',
    });
    expectXentError(() => aldrKlLoss(logits, ids, { state, indices: [0, 1] }), 'SHAPE_MISMATCH', {
      argument: 'options.indices',
    });
    expectXentError(
      () => aldrKlLoss(logits, ids, { state, indices: [0, 1, 2, 3, 4, 8] }),
      'LABEL_OUT_OF_RANGE',
      {
        argument: 'options.indices',
      },
    );
    expectXentError(() => aldrKlLoss(logits, ids, { ...valid, alpha: 0.5 }), 'INVALID_OPTION', {
      argument: 'options.alpha',
    });
    const x = tf.tensor(logits);
    expectNoLeak(() => tf.grad((t: tf.Tensor) => aldrKlLoss(t, ids, { state, indices }))(x));
    x.dispose();
    state.dispose();
  });
});

describeBackends(['wasm'], () => {
  const indices = [3, 0, 5, 1, 7, 2];
  it('aldrKlLoss runs and updates its state on wasm', async () => {
    const state = createAldrKlState(8, 1);
    const loss = aldrKlLoss(logits, ids, { state, indices });
    const expected = logits.map((row, i) =>
      aldrKl64(row, ids[i]!, 1, { lambda0: 1, alpha: 2, margin: 1, normalization: 'l1' }),
    );
    expectClose(loss, expected.reduce((s, e) => s + e.loss, 0) / 6);
    expectClose(
      tf.gather(state.lambdas, indices),
      expected.map((e) => e.lambda),
    );
    state.dispose();
  });
});
