import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  avgNonZeroReducer,
  batchEasyHardMiner,
  centerInvariantRegularizer,
  classWeightedReducer,
  contrastiveLoss,
  cosineSimilarity,
  distanceWeightedMiner,
  divisorReducer,
  doNothingReducer,
  type EasyHardStrategy,
  lpDistance,
  lpRegularizer,
  meanReducer,
  mPerClassBatches,
  multiSimilarityLoss,
  ntXentLoss,
  perAnchorReducer,
  regularFaceRegularizer,
  sumReducer,
  tripletMarginLoss,
  uniformHistogramMiner,
} from '../src/index.js';
import pml from './fixtures/pml-reducers-miners-regularizers.json';
import { dot, euclid, normalize, relu } from './reference.js';

type M = number[][];
const tolerance = { atol: 1e-5, rtol: 1e-4 };
const x = pml.embeddings;
const y = pml.labels;

describe('reducers agree with PML 2.9 (values and gradients)', () => {
  const cases = [
    ['contrastiveSum', contrastiveLoss, { reducer: sumReducer() }],
    [
      'contrastivePerAnchorAvgNonZero',
      contrastiveLoss,
      { reducer: perAnchorReducer({ reducer: avgNonZeroReducer() }) },
    ],
    ['ntXentPerAnchorMean', ntXentLoss, { reducer: perAnchorReducer() }],
    ['contrastiveClassWeighted', contrastiveLoss, { reducer: classWeightedReducer(pml.classWeights) }],
    [
      'tripletClassWeighted',
      tripletMarginLoss,
      { margin: 0.2, reducer: classWeightedReducer(pml.classWeights) },
    ],
    ['multiSimilaritySum', multiSimilarityLoss, { mining: false, reducer: sumReducer() }],
  ] as const;
  for (const [name, loss, options] of cases) {
    it(name, () => {
      const expected = pml.reducers[name];
      const f = (e: tf.Tensor) => (loss as (...args: unknown[]) => tf.Tensor)(e, y, options);
      expectClose(f(tf.tensor(x)), expected.loss, tolerance);
      expectClose(tf.grad(f)(tf.tensor(x)), expected.grad, tolerance);
      const e = tf.tensor(x);
      expectNoLeak(() => tf.grad(f)(e).dispose());
      e.dispose();
    });
  }
  it('divisorReducer: Σℓ / divisor (0 for divisor 0); doNothingReducer: every selected element', () => {
    const n = normalize(x);
    const pos: number[] = [];
    const neg: number[] = [];
    y.forEach((a, i) => {
      y.forEach((b, j) => {
        if (i === j) return;
        const d = euclid(n[i]!, n[j]!);
        if (a === b) pos.push(relu(d));
        else neg.push(relu(1 - d));
      });
    });
    const total = [...pos, ...neg].reduce((s, v) => s + v, 0);
    expectClose(contrastiveLoss(x, y, { reducer: divisorReducer({ divisor: 7 }) }), total / 7);
    expectClose(contrastiveLoss(x, y, { reducer: divisorReducer({ divisor: 0 }) }), 0);
    const raw = contrastiveLoss(x, y, { reducer: doNothingReducer() });
    expect(raw.shape).toEqual([pos.length + neg.length]);
    expectClose(raw, [...pos, ...neg], { atol: 1e-5 });
    expectXentError(() => divisorReducer({ divisor: -1 }), 'INVALID_OPTION', { argument: 'options.divisor' });
  });
  it('perAnchorReducer rejects triplet losses (as PML)', () => {
    expectXentError(
      () => tripletMarginLoss(x, y, { reducer: perAnchorReducer(), miner: batchEasyHardMiner() }),
      'INVALID_OPTION',
      { argument: 'options.reducer' },
    );
  });
});

describe('batchEasyHardMiner returns PML’s pairs for every strategy pair (L2 and cosine)', () => {
  const sorted = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Array.from(a, (v, k) => `${v},${b[k]}`).sort();
  for (const [key, expected] of Object.entries(pml.miners)) {
    const [pos, neg, metric, ranged] = key.split('-') as [
      EasyHardStrategy,
      EasyHardStrategy,
      string,
      string?,
    ];
    it(key, () => {
      const miner = batchEasyHardMiner({
        posStrategy: pos,
        negStrategy: neg,
        distance: metric === 'cosine' ? cosineSimilarity() : lpDistance(),
        ...(ranged ? { allowedPosRange: [0.2, 1.0], allowedNegRange: [0.5, 1.5] } : {}),
      } as const);
      const t = miner.mine(tf.tensor(x), tf.tensor1d(y, 'int32'));
      if (t.kind !== 'pairs') throw new Error('pairs expected');
      expect(sorted(t.anchorsPositive.dataSync(), t.positives.dataSync())).toEqual(
        sorted(expected[0]!, expected[1]!),
      );
      expect(sorted(t.anchorsNegative.dataSync(), t.negatives.dataSync())).toEqual(
        sorted(expected[2]!, expected[3]!),
      );
    });
  }
  it('invalid strategy pairs', () => {
    expectXentError(
      () => batchEasyHardMiner({ posStrategy: 'semihard', negStrategy: 'semihard' }),
      'INVALID_OPTION',
    );
    expectXentError(
      () => batchEasyHardMiner({ posStrategy: 'all', negStrategy: 'semihard' }),
      'INVALID_OPTION',
    );
    expectXentError(() => batchEasyHardMiner({ posStrategy: 'x' as never }), 'INVALID_OPTION', {
      argument: 'options.posStrategy',
    });
  });
});

describe('distanceWeightedMiner (seeded)', () => {
  const big = randomNormal([24, 8], 81) as M;
  const bigLabels = Array.from({ length: 24 }, (_, i) => i % 4);
  const mine = (seed: number) => {
    const t = distanceWeightedMiner({ seed }).mine(tf.tensor(big), tf.tensor1d(bigLabels, 'int32'));
    if (t.kind !== 'triplets') throw new Error('triplets expected');
    return [t.anchors, t.positives, t.negatives].map((v) => Array.from(v.dataSync()));
  };
  it('valid triplets, one draw per class member and anchor, reproducible by seed', () => {
    const [a, p, n] = mine(5);
    const un = normalize(big);
    expect(a!.length).toBe(24 * 6);
    a!.forEach((anchor, k) => {
      expect(bigLabels[p![k]!]).toBe(bigLabels[anchor]);
      expect(p![k]).not.toBe(anchor);
      expect(bigLabels[n![k]!]).not.toBe(bigLabels[anchor]);
      expect(euclid(un[anchor]!, un[n![k]!]!)).toBeLessThan(1.4);
    });
    expect(mine(5)).toEqual(mine(5));
    expect(mine(6)).not.toEqual(mine(5));
  });
  it('negatives are drawn ∝ 1/q(d): empirical frequencies match the weights', () => {
    const un = normalize(big);
    const anchor = 0;
    const negatives = bigLabels.flatMap((l, j) => (l !== bigLabels[anchor] ? [j] : []));
    const logW = (d: number) => {
      const c = Math.max(d, 0.5);
      return (2 - 8) * Math.log(c) - ((8 - 3) / 2) * Math.log(1 - 0.25 * c * c);
    };
    const w = negatives.map((j) => {
      const d = euclid(un[anchor]!, un[j]!);
      return d < 1.4 ? Math.exp(logW(d)) : 0;
    });
    const total = w.reduce((s, v) => s + v, 0);
    const counts = new Map<number, number>();
    let draws = 0;
    for (let seed = 0; seed < 150; seed++) {
      const [a, , n] = mine(seed);
      a!.forEach((v, k) => {
        if (v !== anchor) return;
        counts.set(n![k]!, (counts.get(n![k]!) ?? 0) + 1);
        draws++;
      });
    }
    negatives.forEach((j, k) => {
      const expected = w[k]! / total;
      expect(Math.abs((counts.get(j) ?? 0) / draws - expected)).toBeLessThan(0.05);
    });
  });
});

describe('uniformHistogramMiner (seeded)', () => {
  it('draws perBin pairs from each non-empty bin of each set', () => {
    const miner = uniformHistogramMiner({ numBins: 5, posPerBin: 3, negPerBin: 4, seed: 2 });
    const t = miner.mine(tf.tensor(x), tf.tensor1d(y, 'int32'));
    if (t.kind !== 'pairs') throw new Error('pairs expected');
    const n = normalize(x);
    const check = (a: ArrayLike<number>, o: ArrayLike<number>, same: boolean, perBin: number) => {
      const all = y.flatMap((l, i) =>
        y.flatMap((m, j) => (i !== j && (l === m) === same ? [euclid(n[i]!, n[j]!)] : [])),
      );
      const [low, high] = [Math.min(...all), Math.max(...all)];
      const binOf = (d: number) => Math.min(4, Math.floor(((d - low) / (high - low)) * 5));
      const expectedBins = new Set(all.map(binOf));
      const counts = new Map<number, number>();
      Array.from(a).forEach((i, k) => {
        const j = o[k]!;
        expect(y[i] === y[j]).toBe(same);
        const b = binOf(euclid(n[i]!, n[j]!));
        counts.set(b, (counts.get(b) ?? 0) + 1);
      });
      expect(new Set(counts.keys())).toEqual(expectedBins);
      for (const c of counts.values()) expect(c).toBe(perBin);
    };
    check(t.anchorsPositive.dataSync(), t.positives.dataSync(), true, 3);
    check(t.anchorsNegative.dataSync(), t.negatives.dataSync(), false, 4);
    expectXentError(() => uniformHistogramMiner({ numBins: 0 }), 'INVALID_OPTION', {
      argument: 'options.numBins',
    });
  });
});

describe('regularizers agree with PML 2.9', () => {
  const cases = [
    ['lp', lpRegularizer, x, {}],
    ['lpP1Power2', lpRegularizer, x, { p: 1, power: 2 }],
    ['regularFace', regularFaceRegularizer, pml.weights, {}],
    ['centerInvariant', centerInvariantRegularizer, pml.weights, {}],
  ] as const;
  for (const [name, reg, data, options] of cases) {
    it(name, () => {
      const expected = pml.regularizers[name];
      const f = (e: tf.Tensor) => (reg as (...args: unknown[]) => tf.Tensor)(e, options);
      expectClose(f(tf.tensor(data)), expected.loss, tolerance);
      expectClose(tf.grad(f)(tf.tensor(data)), expected.grad, tolerance);
    });
  }
});
const w = randomNormal([5, 3], 91) as M;
const norm = (r: number[], p = 2) => r.reduce((s, v) => s + Math.abs(v) ** p, 0) ** (1 / p);
runLossConformance(lpRegularizer, [
  { name: 'p 2', inputs: [w], reference: ([e]) => (e as M).map((r) => norm(r)) },
  {
    name: 'p 3, power 2',
    inputs: [w],
    options: { p: 3, power: 2 },
    reference: ([e]) => (e as M).map((r) => norm(r, 3) ** 2),
  },
]);
runLossConformance(regularFaceRegularizer, [
  {
    name: '5 classes',
    inputs: [w],
    reference: ([e]) => {
      const n = normalize(e as M);
      return n.map((a, c) => Math.max(...n.filter((_, k) => k !== c).map((b) => dot(a, b))));
    },
  },
]);
runLossConformance(centerInvariantRegularizer, [
  {
    name: '5 classes',
    inputs: [w],
    reference: ([e]) => {
      const sq = (e as M).map((r) => dot(r, r));
      const mean = sq.reduce((s, v) => s + v, 0) / sq.length;
      return sq.map((v) => (v - mean) ** 2 / 4);
    },
  },
]);
describe('regularizers: degenerate inputs', () => {
  it('one class and equal norms give 0 with a zero gradient; a zero row is finite', () => {
    for (const reg of [regularFaceRegularizer, centerInvariantRegularizer]) {
      const g = tf.grad((t: tf.Tensor) => reg(t))(tf.tensor([[1, 2, 3]]));
      expect(Array.from(g.dataSync())).toEqual([0, 0, 0]);
      expectClose(reg([[1, 2, 3]]), 0);
    }
    expectClose(
      centerInvariantRegularizer([
        [1, 0],
        [0, 1],
      ]),
      0,
    );
    const g = tf.grad((t: tf.Tensor) => lpRegularizer(t, { power: 0.5 }))(
      tf.tensor([
        [0, 0],
        [1, 1],
      ]),
    );
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

describe('mPerClassBatches', () => {
  const labels = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 4, 4];
  it('batches of batchSize / m classes × m examples, seeded', () => {
    const batches = mPerClassBatches(labels, 2, 6, { seed: 3, length: 60 });
    expect(batches.length).toBe(10);
    for (const batch of batches) {
      expect(batch.length).toBe(6);
      const perClass = new Map<number, number>();
      for (const i of batch) perClass.set(labels[i]!, (perClass.get(labels[i]!) ?? 0) + 1);
      expect(perClass.size).toBe(3);
      for (const c of perClass.values()) expect(c).toBe(2);
    }
    // Class 3 has one example: sampled with replacement.
    const withThree = batches.find((b) => b.some((i) => labels[i] === 3));
    expect(withThree?.filter((i) => labels[i] === 3)).toEqual([12, 12]);
    expect(mPerClassBatches(labels, 2, 6, { seed: 3, length: 60 })).toEqual(batches);
    expect(mPerClassBatches(labels, 2, 6)).toHaveLength(Math.floor(labels.length / 6));
    // Every class appears about equally often over many batches.
    const seen = new Map<number, number>();
    for (const b of mPerClassBatches(labels, 2, 4, { seed: 1, length: 400 }))
      for (const c of new Set(b.map((i) => labels[i]!))) seen.set(c, (seen.get(c) ?? 0) + 1);
    for (const count of seen.values()) expect(Math.abs(count - 40)).toBeLessThanOrEqual(1);
  });
  it('bad arguments', () => {
    expectXentError(() => mPerClassBatches(labels, 2, 5), 'INVALID_OPTION', { argument: 'batchSize' });
    expectXentError(() => mPerClassBatches(labels, 2, 12), 'INVALID_OPTION', { argument: 'batchSize' });
    expectXentError(() => mPerClassBatches(labels, 0, 4), 'INVALID_OPTION', { argument: 'm' });
  });
});

describe('meanReducer still the default where it was', () => {
  it('ntXentLoss default equals perAnchorReducer-free mean', () => {
    expectClose(ntXentLoss(x, y), ntXentLoss(x, y, { reducer: meanReducer() }));
  });
});
