import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import {
  batchHardMiner,
  circleLoss,
  contrastiveLoss,
  crossBatchMemory,
  generalizedLiftedStructureLoss,
  intraPairVarianceLoss,
  multiSimilarityLoss,
  multiSimilarityMiner,
  ncaLoss,
  ntXentLoss,
  pairMarginMiner,
  sumReducer,
  supConLoss,
  tripletMarginLoss,
  tripletMarginMiner,
} from '../src/index.js';
import pml from './fixtures/pml-reference-sets.json';
import { euclid, normalize, relu } from './reference.js';

type M = number[][];
const tolerance = { atol: 1e-5, rtol: 1e-4 };

describe('refEmbeddings / refLabels: queries against a separate reference set (PML 2.9 fixture)', () => {
  const cases = [
    ['contrastive', contrastiveLoss, {}],
    // PML's MultiSimilarityLoss has no built-in ε-mining (that is its MultiSimilarityMiner).
    ['multiSimilarity', multiSimilarityLoss, { mining: false }],
    ['tripletMargin', tripletMarginLoss, { margin: 0.1 }],
    ['generalizedLiftedStructure', generalizedLiftedStructureLoss, {}],
    ['intraPairVariance', intraPairVarianceLoss, {}],
    ['circle', circleLoss, {}],
    ['supCon', supConLoss, {}],
    ['ntXent', ntXentLoss, {}],
    ['nca', ncaLoss, { softmaxScale: 2 }],
  ] as const;
  for (const [name, loss, options] of cases) {
    it(`${name}: value and gradients w.r.t. queries and reference`, () => {
      const expected = pml.losses[name];
      const f = (q: tf.Tensor, r: tf.Tensor) =>
        (loss as (...args: unknown[]) => tf.Tensor)(q, pml.queryLabels, {
          ...options,
          refEmbeddings: r,
          refLabels: pml.referenceLabels,
        });
      const [q, r] = [tf.tensor(pml.queries), tf.tensor(pml.reference)];
      expectClose(f(q, r), expected.loss, tolerance);
      const [gq, gr] = tf.grads(f)([q, r]);
      expectClose(gq!, expected.gradQueries, tolerance);
      expectClose(gr!, expected.gradReference, tolerance);
      expectNoLeak(() => f(q, r).dispose());
      tf.dispose([q, r, gq!, gr!]);
    });
  }
  it('the contrastive loss on a reference set matches a loop (no self-pair removed)', () => {
    const q = normalize(pml.queries);
    const r = normalize(pml.reference);
    const pos: number[] = [];
    const neg: number[] = [];
    q.forEach((a, i) => {
      r.forEach((b, j) => {
        const d = euclid(a, b);
        if (pml.queryLabels[i] === pml.referenceLabels[j]) pos.push(relu(d));
        else neg.push(relu(1 - d));
      });
    });
    const avgNonZero = (v: number[]) => {
      const kept = v.filter((x) => x > 0);
      return kept.length ? kept.reduce((s, x) => s + x, 0) / kept.length : 0;
    };
    expectClose(
      contrastiveLoss(pml.queries, pml.queryLabels, {
        refEmbeddings: pml.reference,
        refLabels: pml.referenceLabels,
      }),
      avgNonZero(pos) + avgNonZero(neg),
    );
  });
  const miners = [
    ['tripletMargin', () => tripletMarginMiner({ margin: 0.2, type: 'all' })],
    ['batchHard', () => batchHardMiner()],
    ['pairMargin', () => pairMarginMiner()],
    ['multiSimilarity', () => multiSimilarityMiner()],
  ] as const;
  for (const [name, make] of miners) {
    it(`${name} miner mines queries against the reference like PML`, () => {
      const tuples = make().mine(tf.tensor(pml.queries), tf.tensor1d(pml.queryLabels, 'int32'), {
        embeddings: tf.tensor(pml.reference),
        labels: tf.tensor1d(pml.referenceLabels, 'int32'),
      });
      const parts =
        tuples.kind === 'triplets'
          ? [[tuples.anchors, tuples.positives, tuples.negatives]]
          : [
              [tuples.anchorsPositive, tuples.positives],
              [tuples.anchorsNegative, tuples.negatives],
            ];
      const expected = pml.miners[name];
      const groups = tuples.kind === 'triplets' ? [expected] : [expected.slice(0, 2), expected.slice(2)];
      parts.forEach((group, g) => {
        const key = (cols: ArrayLike<number>[]) =>
          Array.from(cols[0]!, (_, k) => cols.map((c) => c[k]).join(',')).sort();
        expect(key(group.map((t) => t.dataSync()))).toEqual(key(groups[g]!));
      });
    });
  }
  it('bad reference options', () => {
    const x = pml.queries;
    expectXentError(
      () => contrastiveLoss(x, pml.queryLabels, { refEmbeddings: pml.reference }),
      'INVALID_OPTION',
      {
        argument: 'options.refLabels',
      },
    );
    expectXentError(
      () => contrastiveLoss(x, pml.queryLabels, { refEmbeddings: [[1, 2]], refLabels: [0] }),
      'SHAPE_MISMATCH',
      { argument: 'options.refEmbeddings' },
    );
    expectXentError(
      () => contrastiveLoss(x, pml.queryLabels, { refEmbeddings: pml.reference, refLabels: [0, 1] }),
      'SHAPE_MISMATCH',
      { argument: 'options.refLabels' },
    );
    expectXentError(
      () =>
        tripletMarginLoss(x, pml.queryLabels, {
          refEmbeddings: pml.reference,
          refLabels: pml.referenceLabels,
          swap: true,
        }),
      'INVALID_OPTION',
      { argument: 'options.swap' },
    );
  });
});

describe('crossBatchMemory', () => {
  const { memorySize, batches, cases } = pml.crossBatchMemory;
  const wrapped = {
    contrastive: () => crossBatchMemory(contrastiveLoss, { embeddingSize: 4, memorySize }),
    tripletMinedBatchHard: () =>
      crossBatchMemory(tripletMarginLoss, { embeddingSize: 4, memorySize, miner: batchHardMiner() }),
    multiSimilarity: () => crossBatchMemory(multiSimilarityLoss, { embeddingSize: 4, memorySize }),
  } as const;
  for (const [name, make] of Object.entries(wrapped)) {
    it(`${name}: three steps (the third wraps around) match PML's CrossBatchMemory, values and gradients`, () => {
      const xbm = make();
      const options =
        name === 'tripletMinedBatchHard'
          ? { margin: 0.1 }
          : name === 'multiSimilarity'
            ? { mining: false }
            : {};
      batches.forEach(([e, l], step) => {
        const expected = cases[name as keyof typeof cases][step]!;
        const x = tf.tensor(e as M);
        // The value and the gradient come from one call each, so run the gradient call on a copy
        // of the memory state: PML computes both in one forward pass.
        const grad = tf.grad((t: tf.Tensor) => xbm.loss(t, l as number[], options as never))(x);
        expectClose(grad, expected.grad, tolerance);
        xbm.reset();
        for (const [pe, pl] of batches.slice(0, step))
          xbm.loss(pe as M, pl as number[], options as never).dispose();
        expectClose(xbm.loss(x, l as number[], options as never), expected.loss, tolerance);
        tf.dispose([x, grad]);
      });
      expect(xbm.state.size).toBe(memorySize);
      expect(xbm.state.next).toBe((3 * 4) % memorySize);
      xbm.dispose();
    });
  }
  it('100 training steps do not grow tf.memory().numTensors', () => {
    const xbm = crossBatchMemory(contrastiveLoss, { embeddingSize: 8, memorySize: 64 });
    const weights = tf.variable(tf.tensor(randomNormal([6, 8], 71) as M));
    const optimizer = tf.train.sgd(0.01);
    const inputs = tf.tensor(randomNormal([16, 6], 72) as M);
    const step = (i: number) => {
      const labels = Array.from({ length: 16 }, (_, k) => (k + i) % 4);
      optimizer.minimize(() => xbm.loss(tf.matMul(inputs, weights), labels) as tf.Scalar, false)?.dispose();
    };
    step(0);
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 100; i++) step(i);
    expect(tf.memory().numTensors).toBe(before);
    expect(xbm.state.size).toBe(64);
    xbm.dispose();
    expect(xbm.state.embeddings.isDisposed).toBe(true);
    tf.dispose([weights, inputs]);
  });
  it('the memory is detached: no gradient flows into past batches, only the current rows', () => {
    const xbm = crossBatchMemory(contrastiveLoss, { embeddingSize: 3, memorySize: 20 });
    const first = tf.tensor(randomNormal([4, 3], 73) as M);
    xbm.loss(first, [0, 1, 0, 1]).dispose();
    const second = tf.tensor(randomNormal([4, 3], 74) as M);
    const g = tf.grad((t: tf.Tensor) => xbm.loss(t, [0, 0, 1, 1]))(second);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Array.from(g.dataSync()).some((v) => v !== 0)).toBe(true);
    expect(xbm.state.size).toBe(8);
    tf.dispose([first, second, g]);
    xbm.dispose();
  });
  it('bad inputs', () => {
    expectXentError(() => crossBatchMemory(contrastiveLoss, { embeddingSize: 0 }), 'INVALID_OPTION', {
      argument: 'options.embeddingSize',
    });
    const xbm = crossBatchMemory(contrastiveLoss, { embeddingSize: 3, memorySize: 4 });
    expectXentError(() => xbm.loss(randomNormal([5, 3], 1) as M, [0, 0, 1, 1, 2]), 'SHAPE_MISMATCH', {
      argument: 'embeddings',
    });
    expectXentError(() => xbm.loss(randomNormal([2, 4], 1) as M, [0, 0]), 'SHAPE_MISMATCH', {
      argument: 'embeddings',
    });
    expectXentError(() => xbm.loss(randomNormal([2, 3], 1) as M, [0]), 'SHAPE_MISMATCH', {
      argument: 'labels',
    });
    xbm.dispose();
    expectXentError(() => xbm.loss(randomNormal([2, 3], 1) as M, [0, 0]), 'INVALID_OPTION');
  });
});

describe('positiveMask: a custom label comparison (multi-label data)', () => {
  const x = randomNormal([6, 3], 75) as M;
  const labels = [0, 0, 1, 1, 2, 2];
  const equalMask = labels.map((a) => labels.map((b) => (a === b ? 1 : 0)));
  const losses = [
    contrastiveLoss,
    multiSimilarityLoss,
    tripletMarginLoss,
    generalizedLiftedStructureLoss,
    intraPairVarianceLoss,
  ] as const;
  it('the label-equality mask reproduces the default for every loss (triplet: both paths)', () => {
    for (const loss of losses) {
      const f = loss as (...args: unknown[]) => tf.Tensor;
      expectClose(f(x, labels, { positiveMask: equalMask }), f(x, labels), { atol: 1e-6 });
    }
    expectClose(
      tripletMarginLoss(x, labels, { positiveMask: equalMask, reducer: sumReducer() }),
      tripletMarginLoss(x, labels, { reducer: sumReducer() }),
      { atol: 1e-5 },
    );
  });
  it('multi-label: positives share a tag; the contrastive loss matches a loop', () => {
    const tags = [[0], [0, 1], [1], [1, 2], [2], [3]];
    const mask = tags.map((a) => tags.map((b) => (a.some((t) => b.includes(t)) ? 1 : 0)));
    const n = normalize(x);
    const pos: number[] = [];
    const neg: number[] = [];
    n.forEach((a, i) => {
      n.forEach((b, j) => {
        if (i === j) return;
        const d = euclid(a, b);
        if (mask[i]![j]) pos.push(relu(d));
        else neg.push(relu(1 - d));
      });
    });
    const avgNonZero = (v: number[]) => {
      const kept = v.filter((t) => t > 0);
      return kept.length ? kept.reduce((s, t) => s + t, 0) / kept.length : 0;
    };
    const dummy = [0, 1, 2, 3, 4, 5]; // labels are not compared when positiveMask is given
    expectClose(contrastiveLoss(x, dummy, { positiveMask: mask }), avgNonZero(pos) + avgNonZero(neg));
    // negativeMask: pairs in neither mask are ignored (here: those sharing a tag only partially).
    const partial = tags.map((a) =>
      tags.map((b) => (a.some((t) => b.includes(t)) && a.length !== b.length ? 1 : 0)),
    );
    const strictPos = mask.map((row, i) => row.map((v, j) => (v && !partial[i]![j] ? 1 : 0)));
    const strictNeg = mask.map((row) => row.map((v) => (v ? 0 : 1)));
    const kept = { pos: [] as number[], neg: [] as number[] };
    n.forEach((a, i) => {
      n.forEach((b, j) => {
        if (i === j) return;
        const d = euclid(a, b);
        if (strictPos[i]![j]) kept.pos.push(relu(d));
        else if (strictNeg[i]![j]) kept.neg.push(relu(1 - d));
      });
    });
    expectClose(
      contrastiveLoss(x, dummy, { positiveMask: strictPos, negativeMask: strictNeg }),
      avgNonZero(kept.pos) + avgNonZero(kept.neg),
    );
    expectXentError(() => contrastiveLoss(x, dummy, { negativeMask: strictNeg }), 'INVALID_OPTION', {
      argument: 'options.negativeMask',
    });
    expectXentError(() => contrastiveLoss(x, dummy, { positiveMask: [[1, 0]] }), 'SHAPE_MISMATCH', {
      argument: 'options.positiveMask',
    });
  });
});
