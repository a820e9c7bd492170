import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import { histogramLoss, instanceLoss, sumReducer } from '../src/index.js';
import pml from './fixtures/pml-instance-histogram.json';
import { cosMatrix, lse, mean, relu } from './reference.js';
import { tripletIndices } from './triplet-indices.js';

// Float64 references from the formulas, as loops.
type M = number[][];
const m = (v: unknown) => v as M;
const ids = (v: unknown) => v as number[];

/** PML's InstanceLoss: CE over γ·cos(xᵢ, ·), target = rank of yᵢ among the distinct labels. */
function instanceLosses(e: M, y: number[], gamma = 64): number[] {
  const s = cosMatrix(e);
  const distinct = [...new Set(y)].sort((a, b) => a - b);
  return y.map((label, i) => {
    const logits = s[i]!.map((v) => gamma * v);
    return lse(logits) - logits[distinct.indexOf(label)]!;
  });
}

/** Histogram loss over unordered pair sets. */
function histogramRef(e: M, y: number[], bins = 100, triplets?: number[][]): number {
  const s = cosMatrix(e);
  const key = (i: number, j: number) => (i < j ? `${i},${j}` : `${j},${i}`);
  const pos = new Set<string>();
  const neg = new Set<string>();
  if (triplets) {
    for (const [a, p, n] of triplets) {
      pos.add(key(a!, p!));
      neg.add(key(a!, n!));
    }
  } else {
    // The pairs of all triplets: an anchor needs a positive and a negative.
    const hasPos = y.map((l, i) => y.some((k, j) => j !== i && k === l));
    const hasNeg = y.map((l) => y.some((k) => k !== l));
    y.forEach((a, i) => {
      y.forEach((b, j) => {
        if (i === j || !hasPos[i] || !hasNeg[i]) return;
        (a === b ? pos : neg).add(key(i, j));
      });
    });
  }
  if (pos.size === 0 || neg.size === 0) return 0;
  const delta = 2 / bins;
  const hist = (pairs: Set<string>) =>
    Array.from({ length: bins + 1 }, (_, r) => {
      let total = 0;
      for (const p of pairs) {
        const [i, j] = p.split(',').map(Number);
        total += relu(1 - Math.abs(s[i!]![j!]! - (-1 + r * delta)) / delta);
      }
      return total / pairs.size;
    });
  const [hp, hn] = [hist(pos), hist(neg)];
  let cumulative = 0;
  return hn.reduce((sum, h, r) => {
    cumulative += hp[r]!;
    return sum + h * cumulative;
  }, 0);
}

const x = randomNormal([7, 3], 91) as M;
const labels = [0, 0, 0, 1, 1, 2, 3];

runLossConformance(instanceLoss, [
  {
    name: 'one label per instance, γ 8',
    inputs: [x, [0, 1, 2, 3, 4, 5, 6]],
    options: { gamma: 8 },
    reference: ([e, y]) => mean(instanceLosses(m(e), ids(y), 8)),
  },
  {
    name: 'repeated labels, γ 4',
    inputs: [x, labels],
    options: { gamma: 4 },
    reference: ([e, y]) => mean(instanceLosses(m(e), ids(y), 4)),
  },
]);
runLossConformance(histogramLoss, [
  { name: '100 bins', inputs: [x, labels], reference: ([e, y]) => histogramRef(m(e), ids(y)) },
  {
    name: '7 bins',
    inputs: [x, labels],
    options: { numBins: 7 },
    reference: ([e, y]) => histogramRef(m(e), ids(y), 7),
  },
]);

describe('instance and histogram losses agree with pytorch-metric-learning 2.9 (fixture)', () => {
  const triplets = () => tripletIndices(pml.triplets);
  for (const [name, expected] of Object.entries(pml.cases)) {
    const loss = (name.startsWith('instance') ? instanceLoss : histogramLoss) as (
      ...args: unknown[]
    ) => tf.Tensor;
    it(`${name}: value and gradient`, () => {
      const indices = 'mined' in expected ? triplets() : undefined;
      const f = (e: tf.Tensor) =>
        loss(e, expected.labels, { ...expected.options, ...(indices ? { indices } : {}) });
      const e = tf.tensor(pml.embeddings);
      expectClose(f(e), expected.loss, { atol: 1e-5, rtol: 1e-4 });
      expectClose(tf.grad(f)(e), expected.grad, { atol: 1e-5, rtol: 1e-4 });
      expectNoLeak(() => f(e).dispose());
      e.dispose();
      if (indices) tf.dispose([indices.anchors, indices.positives, indices.negatives]);
    });
  }
  it('the loops reproduce the fixture (so the conformance cases test the same formula)', () => {
    const { cases } = pml;
    expect(mean(instanceLosses(pml.embeddings, cases.instanceGamma8.labels, 8))).toBeCloseTo(
      cases.instanceGamma8.loss,
      10,
    );
    expect(histogramRef(pml.embeddings, pml.labels, 10)).toBeCloseTo(cases.histogram10.loss, 10);
    expect(histogramRef(pml.embeddings, pml.labels, 10, pml.triplets)).toBeCloseTo(
      cases.histogramTriplets.loss,
      10,
    );
  });
});

describe('degenerate batches and properties', () => {
  const zeroWithZeroGradient = (loss: (...args: unknown[]) => tf.Tensor, e: M, y: number[]) => {
    const f = (t: tf.Tensor) => loss(t, y);
    const t = tf.tensor(e);
    expect(f(t).dataSync()[0]).toBe(0);
    expect(Array.from(tf.grad(f)(t).dataSync()).every((g) => g === 0)).toBe(true);
    t.dispose();
  };
  it('histogram: one class, singletons, one example → 0 with a zero gradient', () => {
    const f = histogramLoss as (...args: unknown[]) => tf.Tensor;
    zeroWithZeroGradient(f, x, [0, 0, 0, 0, 0, 0, 0]);
    zeroWithZeroGradient(f, x, [0, 1, 2, 3, 4, 5, 6]);
    zeroWithZeroGradient(f, x.slice(0, 1), [0]);
  });
  it('instance: one example → 0 with a zero gradient', () => {
    zeroWithZeroGradient(instanceLoss as (...args: unknown[]) => tf.Tensor, x.slice(0, 1), [0]);
  });
  it('histogram: in [0, 1]; 0 when every positive pair is more similar than every negative by more than Δ', () => {
    const value = histogramLoss(x, labels).dataSync()[0]!;
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
    const separated = [
      [1, 0, 0],
      [1, 0.05, 0],
      [0, 1, 0],
      [0.05, 1, 0],
    ];
    expect(histogramLoss(separated, [0, 0, 1, 1], { numBins: 20 }).dataSync()[0]).toBeLessThan(1e-7);
  });
  it('both are invariant to the scale of the rows and to a batch permutation', () => {
    const order = [4, 0, 6, 2, 1, 5, 3];
    for (const loss of [histogramLoss, instanceLoss] as const) {
      const f = loss as (...args: unknown[]) => tf.Tensor;
      const value = f(x, labels).dataSync()[0]!;
      expectClose(
        f(
          x.map((r) => r.map((v) => 3 * v)),
          labels,
        ),
        value,
        { atol: 1e-5, rtol: 1e-4 },
      );
      if (loss === histogramLoss)
        expectClose(
          f(
            order.map((i) => x[i]!),
            order.map((i) => labels[i]!),
          ),
          value,
          { atol: 1e-5, rtol: 1e-4 },
        );
    }
  });
  it('instance: the reducer applies to the per-sample losses', () => {
    const y = [0, 1, 2, 3, 4, 5, 6];
    expectClose(
      instanceLoss(x, y, { gamma: 8, reducer: sumReducer() }),
      instanceLosses(x, y, 8).reduce((s, v) => s + v, 0),
      { atol: 1e-4, rtol: 1e-4 },
    );
  });
  it('bad options', () => {
    expectXentError(() => instanceLoss(x, labels, { gamma: 0 }), 'INVALID_OPTION', {
      argument: 'options.gamma',
    });
    expectXentError(() => histogramLoss(x, labels, { numBins: 0 }), 'INVALID_OPTION', {
      argument: 'options.numBins',
    });
    expectXentError(() => histogramLoss(x, labels, { numBins: 2.5 }), 'INVALID_OPTION', {
      argument: 'options.numBins',
    });
  });
});
