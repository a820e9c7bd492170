import * as tf from '@tensorflow/tfjs';
import {
  badInputCases,
  expectBadInputErrors,
  expectClose,
  expectNoLeak,
  expectXentError,
  gradCheck,
  randomNormal,
  useBackend,
} from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  circleLoss,
  contrastiveLoss,
  cosineSimilarity,
  type MiningInfo,
  marginLoss,
  meanReducer,
  multiSimilarityLoss,
  ntXentLoss,
  supConLoss,
  tcmLoss,
  tripletMarginLoss,
} from '../src/index.js';
import {
  circleRef,
  contrastiveRef,
  marginRef,
  msRef,
  ntXentRef,
  supConRef,
  tcmRef,
  toyEmbeddings,
  toyLabels,
  tripletRef,
} from './reference.js';

const labels = [0, 0, 0, 1, 1, 2, 2, 3];
const x = randomNormal([8, 4], 11) as number[][];
const backends = { backends: ['cpu', 'wasm'] as const };

runLossConformance(
  tripletMarginLoss,
  [
    {
      name: 'default (avgNonZero, L2)',
      inputs: [x, labels],
      reference: ([e, l]) => tripletRef(e!, l as number[]),
    },
    {
      name: 'margin 0.3, swap, mean reducer',
      inputs: [x, labels],
      options: { margin: 0.3, swap: true, reducer: meanReducer() },
      reference: ([e, l]) => tripletRef(e!, l as number[], { margin: 0.3, swap: true, reducer: 'mean' }),
    },
    {
      name: 'smooth, cosine',
      inputs: [x, labels],
      options: { smoothLoss: true, distance: cosineSimilarity(), margin: 0.1 },
      reference: ([e, l]) => tripletRef(e!, l as number[], { smooth: true, cosine: true, margin: 0.1 }),
    },
  ],
  backends,
);
runLossConformance(
  contrastiveLoss,
  [
    { name: 'default', inputs: [x, labels], reference: ([e, l]) => contrastiveRef(e!, l as number[]) },
    {
      name: 'margins 0.3 / 1.2',
      inputs: [x, labels],
      options: { posMargin: 0.3, negMargin: 1.2 },
      reference: ([e, l]) => contrastiveRef(e!, l as number[], { posMargin: 0.3, negMargin: 1.2 }),
    },
  ],
  backends,
);
runLossConformance(
  marginLoss,
  [
    { name: 'default', inputs: [x, labels], reference: ([e, l]) => marginRef(e!, l as number[]) },
    {
      name: 'β 1.0, ν 0.1',
      inputs: [x, labels],
      options: { beta: 1.0, nu: 0.1, margin: 0.1 },
      reference: ([e, l]) => marginRef(e!, l as number[], { beta: 1.0, nu: 0.1, margin: 0.1 }),
    },
  ],
  backends,
);
runLossConformance(
  multiSimilarityLoss,
  [
    { name: 'default (mined)', inputs: [x, labels], reference: ([e, l]) => msRef(e!, l as number[]) },
    {
      name: 'no mining, α 0.1 β 40',
      inputs: [x, labels],
      options: { mining: false, alpha: 0.1, beta: 40 },
      reference: ([e, l]) => msRef(e!, l as number[], { mining: false, alpha: 0.1, beta: 40 }),
      gradTolerance: { atol: 1e-3, rtol: 1e-2 },
    },
  ],
  backends,
);
runLossConformance(
  tcmLoss,
  [
    {
      name: 'margins 0.5 / 0.1',
      inputs: [x, labels],
      options: { marginPlus: 0.5, marginMinus: 0.1 },
      reference: ([e, l]) => tcmRef(e!, l as number[], { marginPlus: 0.5, marginMinus: 0.1 }),
    },
  ],
  backends,
);
describe('circleLoss (detached pair weights: reference gradient holds them fixed)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: value, gradient, bad inputs, leaks`, async () => {
      await useBackend(backend);
      const o = { m: 0.25, gamma: 8 };
      expectClose(circleLoss(x, labels, o), circleRef(x, labels, o));
      gradCheck({
        fn: (e) => circleLoss(e, labels, o),
        reference: (e) => circleRef(e, labels, o, x),
        at: [x],
      });
      expectBadInputErrors(badInputCases(circleLoss, [x, labels], o));
      expectNoLeak(() => circleLoss(x, labels, o));
      await useBackend('cpu');
    });
  }
});
runLossConformance(
  supConLoss,
  [
    {
      name: 'τ 0.5',
      inputs: [x, labels],
      options: { temperature: 0.5 },
      reference: ([e, l]) => supConRef(e!, l as number[], { temperature: 0.5 }),
    },
  ],
  backends,
);
runLossConformance(
  ntXentLoss,
  [
    {
      name: 'τ 0.5',
      inputs: [x, labels],
      options: { temperature: 0.5 },
      reference: ([e, l]) => ntXentRef(e!, l as number[], { temperature: 0.5 }),
    },
  ],
  backends,
);

describe('PML reference numbers on the toy fixture (θ = 0…80°, labels [0, 0, 1, 1, 2])', () => {
  const cases: [string, () => tf.Tensor, number][] = [
    [
      'MultiSimilarity, no mining',
      () => multiSimilarityLoss(toyEmbeddings, toyLabels, { mining: false }),
      0.584677,
    ],
    ['MultiSimilarity + ε-mining', () => multiSimilarityLoss(toyEmbeddings, toyLabels), 0.513915],
    ['TripletMargin avgNonZero', () => tripletMarginLoss(toyEmbeddings, toyLabels), 0.0684676],
    [
      'TripletMargin mean',
      () => tripletMarginLoss(toyEmbeddings, toyLabels, { reducer: meanReducer() }),
      0.0171169,
    ],
    ['Margin', () => marginLoss(toyEmbeddings, toyLabels), 0.973143],
    ['Contrastive', () => contrastiveLoss(toyEmbeddings, toyLabels), 0.636422],
    ['NTXent', () => ntXentLoss(toyEmbeddings, toyLabels), 0.908457],
    ['SupCon', () => supConLoss(toyEmbeddings, toyLabels), 0.979808],
    ['Circle (γ 80 stress)', () => circleLoss(toyEmbeddings, toyLabels), 51.1103],
  ];
  for (const [name, run, expected] of cases) {
    it(name, () => expectClose(run(), expected, { atol: 1e-5, rtol: 1e-4 }));
  }
  it('float64 references agree with the same numbers', () => {
    expect(msRef(toyEmbeddings, toyLabels, { mining: false })).toBeCloseTo(0.584677, 5);
    expect(msRef(toyEmbeddings, toyLabels)).toBeCloseTo(0.513915, 5);
    expect(circleRef(toyEmbeddings, toyLabels)).toBeCloseTo(51.1103, 3);
  });
  it('TCM paper example: contrastive(cos, 0.9/0.4) + TCM = 1.00446', () => {
    const e = [
      [0, 1],
      [0.43, 0.9],
      [1, 0],
      [0.5, 0.5],
    ];
    const l = [0, 0, 1, 1];
    const contrastive = contrastiveLoss(e, l, {
      distance: cosineSimilarity(),
      posMargin: 0.9,
      negMargin: 0.4,
    });
    const tcm = tcmLoss(e, l);
    expectClose(contrastive, 0.48658, { atol: 1e-4 });
    expectClose(tcm, 0.51788, { atol: 1e-4 });
    expectClose(tf.add(contrastive, tcm), 1.00446, { atol: 1e-4 });
  });
});

const pairLosses = {
  tripletMarginLoss,
  contrastiveLoss,
  marginLoss,
  multiSimilarityLoss,
  tcmLoss,
  circleLoss,
  supConLoss,
  ntXentLoss,
};

describe('properties', () => {
  for (const [name, loss] of Object.entries(pairLosses)) {
    it(`${name}: invariant to permuting the batch`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1000 }),
          fc.integer({ min: 0, max: 10_000 }),
          (seed, shuffleSeed) => {
            const e = randomNormal([7, 3], seed) as number[][];
            const l = [0, 1, 0, 2, 1, 0, 2];
            const order = [0, 1, 2, 3, 4, 5, 6].sort(
              (a, b) => ((a * 7919 + shuffleSeed) % 13) - ((b * 7919 + shuffleSeed) % 13),
            );
            const a = tf.tidy(() => loss(e, l).arraySync() as number);
            const b = tf.tidy(
              () =>
                loss(
                  order.map((i) => e[i]!),
                  order.map((i) => l[i]!),
                ).arraySync() as number,
            );
            return Math.abs(a - b) <= 1e-4 + 1e-4 * Math.abs(a);
          },
        ),
        { numRuns: 15 },
      );
    });
    it(`${name}: invariant to scaling the embeddings (normalised distances)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1000 }),
          fc.double({ min: 0.1, max: 50, noNaN: true }),
          (seed, scale) => {
            const e = randomNormal([6, 3], seed) as number[][];
            const l = [0, 1, 0, 2, 1, 2];
            const a = tf.tidy(() => loss(e, l).arraySync() as number);
            const b = tf.tidy(
              () =>
                loss(
                  e.map((r) => r.map((v) => v * scale)),
                  l,
                ).arraySync() as number,
            );
            return Math.abs(a - b) <= 1e-4 + 1e-3 * Math.abs(a);
          },
        ),
        { numRuns: 15 },
      );
    });
  }
  it('multi-similarity: bounded below by 0 and 0 on a single-embedding batch', () => {
    expectClose(multiSimilarityLoss([[1, 2]], [0]), 0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const v = tf.tidy(
          () =>
            multiSimilarityLoss(
              randomNormal([6, 3], seed) as number[][],
              [0, 1, 0, 2, 1, 2],
            ).arraySync() as number,
        );
        return v >= 0;
      }),
      { numRuns: 15 },
    );
  });
});

describe('nothing to mine → exactly 0 with a zero gradient, reported by onMined', () => {
  const distinct = [0, 1, 2, 3];
  const e = tf.tensor(randomNormal([4, 3], 5) as number[][]);
  for (const [name, loss] of Object.entries(pairLosses)) {
    it(name, () => {
      if (name === 'marginLoss' || name === 'tcmLoss' || name === 'contrastiveLoss') {
        // These have negative pairs even with distinct labels; use a batch of one class instead.
      }
      const single = [0, 0, 0, 0];
      const lab =
        name === 'multiSimilarityLoss' ||
        name === 'circleLoss' ||
        name === 'ntXentLoss' ||
        name === 'tripletMarginLoss' ||
        name === 'marginLoss' ||
        name === 'supConLoss'
          ? distinct
          : distinct;
      const infos: MiningInfo[] = [];
      const empty = {
        kind: 'pairs' as const,
        anchorsPositive: tf.tensor1d([], 'int32'),
        positives: tf.tensor1d([], 'int32'),
        anchorsNegative: tf.tensor1d([], 'int32'),
        negatives: tf.tensor1d([], 'int32'),
      };
      const value = loss(e, lab, {
        indices: empty,
        onMined: (info: MiningInfo) => infos.push(info),
      } as never);
      expectClose(value, 0);
      const grad = tf.grad((t: tf.Tensor) => loss(t, lab, { indices: empty } as never))(e);
      expectClose(grad, tf.zeros([4, 3]));
      expect(infos[0]?.empty).toBe(true);
      expect(infos[0]?.source).toBe('indices');
      // All-distinct labels: no positive pair anywhere; one class: no negative pair.
      for (const l of [distinct, single]) {
        const g = tf.grad((t: tf.Tensor) => loss(t, l))(e);
        expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      }
      tf.dispose([grad, value, ...Object.values(empty).filter((v) => v instanceof tf.Tensor)]);
    });
  }
  it('triplet loss with distinct labels is 0 and onMined reports no positives', () => {
    const infos: MiningInfo[] = [];
    expectClose(tripletMarginLoss(e, distinct, { onMined: (i) => infos.push(i) }), 0);
    expect(infos[0]).toMatchObject({ source: 'all', positivePairs: 0, empty: false });
    expectClose(tf.grad((t: tf.Tensor) => tripletMarginLoss(t, distinct))(e), tf.zeros([4, 3]));
  });
});

describe('errors and leaks', () => {
  it('rejects a miner together with indices, bad indices, bad options', () => {
    const idx = {
      kind: 'triplets' as const,
      anchors: tf.tensor1d([0], 'int32'),
      positives: tf.tensor1d([1], 'int32'),
      negatives: tf.tensor1d([9], 'int32'),
    };
    expectXentError(() => tripletMarginLoss(x, labels, { indices: idx }), 'LABEL_OUT_OF_RANGE', {
      argument: 'options.indices.negatives',
    });
    expectXentError(
      () => tripletMarginLoss(x, labels, { indices: { ...idx, negatives: tf.tensor1d([1, 2], 'int32') } }),
      'SHAPE_MISMATCH',
    );
    expectXentError(
      () => tripletMarginLoss(x, labels, { indices: { ...idx, negatives: tf.tensor1d([2]) } }),
      'DTYPE_MISMATCH',
    );
    expectXentError(() => tripletMarginLoss(x, labels, { indices: {} as never }), 'INVALID_OPTION', {
      argument: 'options.indices',
    });
    expectXentError(() => multiSimilarityLoss(x, labels, { beta: 0 }), 'INVALID_OPTION', {
      argument: 'options.beta',
    });
    expectXentError(() => marginLoss(x, labels, { beta: tf.tensor1d([1, 2]) }), 'INVALID_OPTION', {
      argument: 'options.beta',
    });
    expectXentError(() => marginLoss(x, labels, { beta: tf.tensor2d([[1]]) }), 'INVALID_OPTION');
    expectXentError(() => tripletMarginLoss(x, [0, 0, 1]), 'SHAPE_MISMATCH', { argument: 'labels' });
    expectXentError(() => tripletMarginLoss(x, tf.tensor1d(labels, 'float32')), 'DTYPE_MISMATCH', {
      argument: 'labels',
    });
  });
  it('leaks nothing, with miners and indices too', () => {
    const e = tf.tensor(x);
    for (const loss of Object.values(pairLosses)) expectNoLeak(() => loss(e, labels));
    e.dispose();
  });
});
