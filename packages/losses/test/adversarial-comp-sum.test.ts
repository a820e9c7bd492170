import * as tf from '@tensorflow/tfjs';
import {
  badInputCases,
  expectBadInputErrors,
  expectClose,
  expectNoLeak,
  expectXentError,
  gradCheck,
  randomInts,
  randomNormal,
} from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import { adversarialCompSumLoss, compSumLoss } from '../src/index.js';
import { compSum64, type Row } from './reference.js';

// A linear model h(x) = x·W. Then h̄(x′, y) − h̄(x, y) = Aᵀδ with columns a_k = W[:, y] − W[:, k], and the
// supremum over the l2 ball ‖δ‖ ≤ ε is ε·σ_max(A), computed here by float64 power iteration.
const D = 4;
const C = 3;
const x = randomNormal([5, D], 51) as Row[];
const y = randomInts(5, C, 52);
const W0 = randomNormal([D, C], 53) as Row[];

function sigmaMax(W: readonly Row[], label: number): number {
  const A = W.map((row) => row.map((_, k) => row[label]! - row[k]!)); // D × C
  const M = A.map((ri) => A.map((rj) => ri.reduce((s, v, k) => s + v * rj[k]!, 0))); // A·Aᵀ, D × D
  let v = Array.from({ length: D }, (_, i) => 1 + i * 0.1);
  let lambda = 0;
  for (let it = 0; it < 500; it++) {
    const next = M.map((row) => row.reduce((s, m, j) => s + m * v[j]!, 0));
    lambda = Math.sqrt(next.reduce((s, n) => s + n * n, 0));
    if (lambda === 0) return 0;
    v = next.map((n) => n / lambda);
  }
  return Math.sqrt(lambda);
}

function reference(
  W: readonly Row[],
  o: { tau: number; rho: number; nu: number; epsilon: number },
): number[] {
  const logits = x.map((row) => W[0]!.map((_, c) => row.reduce((s, v, d) => s + (v * W[d]![c]!) / o.rho, 0)));
  const comp = compSum64(logits, y, o.tau);
  return comp.map((v, i) => v + o.nu * o.epsilon * sigmaMax(W, y[i]!));
}

const pgd = { norm: 'l2', epsilon: 0.3, stepSize: 0.3, steps: 40 } as const;
const opts = { tau: 1.5, rho: 2, nu: 0.7, epsilon: pgd.epsilon };

describeBackends(['cpu', 'wasm'], () => {
  const W = tf.tensor(W0);
  const model = (t: tf.Tensor) => tf.matMul(t, W);
  it('matches the closed-form supremum for a linear model, for every reduction', () => {
    const expected = reference(W0, opts);
    const run = (extra: object) => adversarialCompSumLoss(x, y, { model, ...opts, ...pgd, ...extra });
    expectClose(run({ reduction: 'none' }), expected, { atol: 1e-4, rtol: 1e-4 });
    expectClose(
      run({ reduction: 'sum' }),
      expected.reduce((a, b) => a + b),
      { atol: 1e-3, rtol: 1e-4 },
    );
    const w = [1, 0, 2, 0.5, 1];
    expectClose(
      run({ weights: w }),
      expected.reduce((s, v, i) => s + v * w[i]!, 0) / w.reduce((a, b) => a + b),
      { atol: 1e-4, rtol: 1e-4 },
    );
  });
  it('gives the model parameters the gradient of the supremum (Danskin)', () => {
    gradCheck({
      fn: (w) => adversarialCompSumLoss(x, y, { model: (t) => tf.matMul(t, w), ...opts, ...pgd }),
      reference: (w) => reference(w as Row[], opts).reduce((a, b) => a + b, 0) / x.length,
      at: [W0],
      atol: 1e-3,
      rtol: 1e-2,
    });
  });
  it('reduces to comp-sum of logits/ρ when ν = 0 or ε = 0', () => {
    const logits = tf.div(model(tf.tensor(x)), 2);
    const expected = compSumLoss(logits, y, { tau: 1.5 });
    expectClose(adversarialCompSumLoss(x, y, { model, tau: 1.5, rho: 2, nu: 0 }), expected, { atol: 1e-6 });
    expectClose(adversarialCompSumLoss(x, y, { model, tau: 1.5, rho: 2, epsilon: 0 }), expected, {
      atol: 1e-6,
    });
    tf.dispose([logits, expected]);
  });
  it('keeps l∞ perturbations in the box and makes the smooth term grow with ε', () => {
    const small = adversarialCompSumLoss(x, y, {
      model,
      nu: 1,
      epsilon: 0.01,
      reduction: 'sum',
    }).dataSync()[0]!;
    const large = adversarialCompSumLoss(x, y, {
      model,
      nu: 1,
      epsilon: 0.2,
      reduction: 'sum',
    }).dataSync()[0]!;
    expect(large).toBeGreaterThan(small);
    // For a linear model the l∞ supremum is at most ε·‖A‖_{∞→2} ≤ ε·√D·σ_max(A).
    const bound = reference(W0, { tau: 1, rho: 1, nu: 1, epsilon: 0.2 * Math.sqrt(D) }).reduce(
      (a, b) => a + b,
    );
    expect(large).toBeLessThanOrEqual(bound + 1e-4);
  });
  it('trains inside optimizer.minimize and leaks nothing', () => {
    const v = tf.variable(tf.tensor(W0));
    const optimizer = tf.train.sgd(0.05);
    const xs = tf.tensor(x);
    const ys = tf.tensor(y, undefined, 'int32');
    const step = () =>
      optimizer.minimize(
        () =>
          adversarialCompSumLoss(xs, ys, {
            model: (t) => tf.matMul(t, v),
            steps: 3,
            epsilon: 0.1,
          }) as tf.Scalar,
        true,
      )!;
    const first = step().dataSync()[0]!;
    expectNoLeak(() => step());
    for (let i = 0; i < 20; i++) step().dispose();
    expect(step().dataSync()[0]!).toBeLessThan(first);
    tf.dispose([v, xs, ys]);
    optimizer.dispose();
  });
});

describe('adversarialCompSumLoss bad inputs', () => {
  const W = tf.tensor(W0);
  const model = (t: tf.Tensor) => tf.matMul(t, W);
  it('raises the documented codes', () => {
    expectNoLeak(() =>
      expectBadInputErrors(badInputCases(adversarialCompSumLoss, [x, y], { model, steps: 1 })),
    );
    expectXentError(() => adversarialCompSumLoss(x, y, {}), 'INVALID_OPTION', { argument: 'options.model' });
    expectXentError(() => adversarialCompSumLoss(x, [0, 1, 2, 3, 0], { model }), 'LABEL_OUT_OF_RANGE', {
      argument: 'labels',
    });
    expectXentError(() => adversarialCompSumLoss(x, y, { model: (t) => tf.sum(t, -1) }), 'SHAPE_MISMATCH', {
      argument: 'options.model',
    });
    expectXentError(() => adversarialCompSumLoss(x, y, { model, norm: 'l1' as never }), 'INVALID_OPTION', {
      argument: 'options.norm',
    });
    expectXentError(() => adversarialCompSumLoss(x, y, { model, steps: 1.5 }), 'INVALID_OPTION', {
      argument: 'options.steps',
    });
  });
});
