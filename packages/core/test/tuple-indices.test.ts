import * as tf from '@tensorflow/tfjs';
import {
  checkTupleIndices,
  type Miner,
  type MiningInfo,
  type PairIndices,
  referenceSet,
  selectTuples,
  type TripletIndices,
} from '@xent/core';
import { expectNoLeak, expectXentError } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';

const ids = (values: number[]) => tf.tensor1d(values, 'int32');
const triplets = (a: number[], p: number[], n: number[]): TripletIndices => ({
  kind: 'triplets',
  anchors: ids(a),
  positives: ids(p),
  negatives: ids(n),
});
const pairs = (ap: number[], p: number[], an: number[], n: number[]): PairIndices => ({
  kind: 'pairs',
  anchorsPositive: ids(ap),
  positives: ids(p),
  anchorsNegative: ids(an),
  negatives: ids(n),
});
const values = (t: object) =>
  Object.fromEntries(
    Object.entries(t).map(([k, v]) => [k, v instanceof tf.Tensor ? Array.from(v.dataSync()) : v]),
  );

/** A batch of 4 rows, labels 0 0 1 1; `context` as a loss passes it. */
const embeddings = () => tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7], [4, 2]);
const labels = () => ids([0, 0, 1, 1]);
const context = { fn: 'fooLoss', validate: true };

describeBackends(['cpu', 'wasm'], () => {
  it('checkTupleIndices returns well-formed pairs and triplets as they are', () => {
    const t = triplets([0, 1], [1, 0], [2, 3]);
    expect(checkTupleIndices('f', t, 4, 4, true)).toBe(t);
    const p = pairs([0], [1], [0, 2, 3], [2, 0, 1]);
    expect(checkTupleIndices('f', p, 4, 4, true)).toBe(p);
    // Empty lists are well-formed (nothing mined).
    const empty = triplets([], [], []);
    expect(checkTupleIndices('f', empty, 4, 4, true)).toBe(empty);
  });

  it('checkTupleIndices: kind, dtype, rank, group lengths and ranges, each with its code', () => {
    expectXentError(
      () => checkTupleIndices('f', { kind: 'quads' } as unknown as TripletIndices, 4, 4, true),
      'INVALID_OPTION',
      { argument: 'options.indices', includes: ["kind 'pairs' | 'triplets'"] },
    );
    expectXentError(
      () => checkTupleIndices('f', null as unknown as TripletIndices, 4, 4, true),
      'INVALID_OPTION',
    );
    const float = { ...triplets([0], [1], [2]), positives: tf.tensor1d([1]) };
    expectXentError(() => checkTupleIndices('f', float, 4, 4, true), 'DTYPE_MISMATCH', {
      argument: 'options.indices.positives',
      includes: ['an int32 tensor [T]', 'float32'],
    });
    const matrix = { ...triplets([0], [1], [2]), anchors: tf.tensor2d([[0]], [1, 1], 'int32') };
    expectXentError(() => checkTupleIndices('f', matrix, 4, 4, true), 'DTYPE_MISMATCH', {
      argument: 'options.indices.anchors',
    });
    const missing = {
      kind: 'pairs',
      anchorsPositive: ids([0]),
      positives: ids([1]),
    } as unknown as PairIndices;
    expectXentError(() => checkTupleIndices('f', missing, 4, 4, true), 'DTYPE_MISMATCH', {
      argument: 'options.indices.anchorsNegative',
      includes: ['undefined'],
    });
    expectXentError(
      () => checkTupleIndices('f', triplets([0, 1], [1], [2, 3]), 4, 4, true),
      'SHAPE_MISMATCH',
      {
        argument: 'options.indices',
        includes: ['lengths 2, 1, 2'],
      },
    );
    // Groups of pairs have their own lengths: 1 positive pair, 2 negative pairs is fine; 1 vs 2 within one is not.
    expectXentError(
      () => checkTupleIndices('f', pairs([0], [1], [0, 1], [2]), 4, 4, true),
      'SHAPE_MISMATCH',
      {
        includes: ['lengths 2, 1'],
      },
    );
    // Anchors index the batch (4 rows), positives and negatives the reference set (6 rows here).
    expectXentError(() => checkTupleIndices('f', triplets([4], [1], [2]), 4, 6, true), 'LABEL_OUT_OF_RANGE', {
      argument: 'options.indices.anchors',
      includes: ['values in [0, 3]'],
    });
    expect(() => checkTupleIndices('f', triplets([3], [5], [5]), 4, 6, true)).not.toThrow();
    expectXentError(() => checkTupleIndices('f', triplets([0], [6], [2]), 4, 6, true), 'LABEL_OUT_OF_RANGE', {
      argument: 'options.indices.positives',
      includes: ['values in [0, 5]'],
    });
    expectXentError(
      () => checkTupleIndices('f', pairs([0], [1], [0], [-1]), 4, 4, true),
      'LABEL_OUT_OF_RANGE',
      { argument: 'options.indices.negatives' },
    );
  });

  it('checkTupleIndices without validate clamps every index into its range (new tensors, no leak)', () => {
    const t = triplets([-2, 1, 9], [7, 0, 3], [2, -1, 8]);
    const clamped = expectNoLeak(() => checkTupleIndices('f', t, 4, 6, false));
    expect(clamped).not.toBe(t);
    expect(values(clamped)).toEqual({
      kind: 'triplets',
      anchors: [0, 1, 3],
      positives: [5, 0, 3],
      negatives: [2, 0, 5],
    });
    const given = pairs([5], [5], [0, -1], [1, 4]);
    const p = expectNoLeak(() => checkTupleIndices('f', given, 4, 4, false));
    expect(values(p)).toEqual({
      kind: 'pairs',
      anchorsPositive: [3],
      positives: [3],
      anchorsNegative: [0, 0],
      negatives: [1, 3],
    });
    // Structural errors are still thrown without validate, and nothing is left behind.
    const uneven = triplets([0], [1, 2], [3]);
    expectNoLeak(() => expectXentError(() => checkTupleIndices('f', uneven, 4, 4, false), 'SHAPE_MISMATCH'));
  });

  it("selectTuples: 'all' without a miner or indices; indices checked; the miner sees the reference set only when separate", () => {
    const x = embeddings();
    const y = labels();
    expect(selectTuples(context, x, y, {})).toEqual({ kind: 'all' });
    const given = triplets([0], [1], [2]);
    expect(selectTuples(context, x, y, { indices: given })).toBe(given);
    const seen: unknown[] = [];
    const miner: Miner = {
      name: 'stub',
      mine: (_e, _l, reference) => {
        seen.push(reference);
        return triplets([0, 3], [1, 2], [2, 0]);
      },
    };
    const self = referenceSet('fooLoss', x, y, {});
    expect(values(selectTuples(context, x, y, { miner }, self))).toEqual({
      kind: 'triplets',
      anchors: [0, 3],
      positives: [1, 2],
      negatives: [2, 0],
    });
    const ref = referenceSet('fooLoss', x, y, { refEmbeddings: [[1, 1]], refLabels: [0] });
    expect(ref.isBatch).toBe(false);
    // Positives 1 and 2 are outside the one-row reference set.
    expectXentError(() => selectTuples(context, x, y, { miner }, ref), 'LABEL_OUT_OF_RANGE', {
      argument: 'options.indices.positives',
      includes: ['fooLoss', 'values in [0, 0]'],
    });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toBe(ref);
    // Without validate the miner's output is clamped to the reference set instead.
    const clamped = selectTuples({ fn: 'fooLoss', validate: false }, x, y, { miner }, ref);
    expect(values(clamped)).toEqual({
      kind: 'triplets',
      anchors: [0, 3],
      positives: [0, 0],
      negatives: [0, 0],
    });
  });

  it('selectTuples: bad miner / indices / onMined options throw INVALID_OPTION naming the option', () => {
    const x = embeddings();
    const y = labels();
    const miner: Miner = { name: 'stub', mine: () => triplets([0], [1], [2]) };
    expectXentError(
      () => selectTuples(context, x, y, { miner, indices: triplets([0], [1], [2]) }),
      'INVALID_OPTION',
      { argument: 'options.miner', includes: ['fooLoss', 'not both'] },
    );
    expectXentError(() => selectTuples(context, x, y, { miner: {} as Miner }), 'INVALID_OPTION', {
      argument: 'options.miner',
      includes: ['a Miner'],
    });
    expectXentError(
      () => selectTuples(context, x, y, { onMined: 3 as unknown as (info: MiningInfo) => void }),
      'INVALID_OPTION',
      { argument: 'options.onMined', includes: ['a function'] },
    );
    expectXentError(
      () => selectTuples(context, x, y, { indices: { kind: 'all' } as unknown as TripletIndices }),
      'INVALID_OPTION',
      { argument: 'options.indices' },
    );
  });

  it('selectTuples reports what it selected to onMined (all pairs, mined pairs, given triplets, nothing)', () => {
    const x = embeddings();
    const y = labels();
    const infos: MiningInfo[] = [];
    const onMined = (info: MiningInfo) => infos.push(info);
    // Labels 0 0 1 1: 4 same-label ordered pairs (self excluded), 8 different-label pairs.
    selectTuples(context, x, y, { onMined });
    const miner: Miner = { name: 'stub', mine: () => pairs([0, 1], [1, 0], [0, 2, 3], [2, 0, 1]) };
    selectTuples(context, x, y, { miner, onMined });
    selectTuples(context, x, y, { indices: triplets([0, 1, 2], [1, 0, 3], [2, 2, 0]), onMined });
    selectTuples(context, x, y, { indices: triplets([], [], []), onMined });
    // With a reference set the 'all' counts compare the batch with the reference labels (no self-pairs).
    const ref = referenceSet('fooLoss', x, y, {
      refEmbeddings: [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      refLabels: [1, 2, 2],
    });
    selectTuples(context, x, y, { onMined }, ref);
    expect(infos).toEqual([
      { source: 'all', positivePairs: 4, negativePairs: 8, triplets: undefined, empty: false },
      { source: 'miner', positivePairs: 2, negativePairs: 3, triplets: undefined, empty: false },
      { source: 'indices', positivePairs: 3, negativePairs: 3, triplets: 3, empty: false },
      { source: 'indices', positivePairs: 0, negativePairs: 0, triplets: 0, empty: true },
      { source: 'all', positivePairs: 2, negativePairs: 10, triplets: undefined, empty: false },
    ]);
  });

  it('selectTuples and referenceSet leave no tensor behind', () => {
    const x = embeddings();
    const y = labels();
    const onMined = () => {};
    expectNoLeak(() => selectTuples(context, x, y, { onMined }));
    const given = triplets([0], [1], [2]);
    // The given tuples come back as they are (not new tensors): return nothing.
    expectNoLeak(() => {
      selectTuples(context, x, y, { indices: given, onMined });
    });
    const ref = tf.tensor2d([[1, 1]]);
    const refLabels = ids([0]);
    expectNoLeak(() => {
      referenceSet('fooLoss', x, y, { refEmbeddings: ref, refLabels });
    });
    // Array inputs become tensors the caller owns (returned, so not counted).
    expectNoLeak(() => referenceSet('fooLoss', x, y, { refEmbeddings: [[1, 1]], refLabels: [0] }));
  });

  it('referenceSet: the batch itself without options; both options or neither; shapes and dtypes checked', () => {
    const x = embeddings();
    const y = labels();
    expect(referenceSet('fooLoss', x, y, {})).toEqual({ embeddings: x, labels: y, isBatch: true });
    const ref = referenceSet('fooLoss', x, y, {
      refEmbeddings: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      refLabels: [0, 1, 1],
    });
    expect(ref.embeddings.shape).toEqual([3, 2]);
    expect(ref.labels.dtype).toBe('int32');
    expectXentError(() => referenceSet('fooLoss', x, y, { refEmbeddings: [[1, 2]] }), 'INVALID_OPTION', {
      argument: 'options.refLabels',
      includes: ['refEmbeddings and refLabels together'],
    });
    expectXentError(() => referenceSet('fooLoss', x, y, { refLabels: [0] }), 'INVALID_OPTION', {
      argument: 'options.refEmbeddings',
    });
    expectXentError(
      () => referenceSet('fooLoss', x, y, { refEmbeddings: [[1, 2, 3]], refLabels: [0] }),
      'SHAPE_MISMATCH',
      { argument: 'options.refEmbeddings', includes: ['float32 [M, D] with M ≥ 1, D = 2', '[1, 3]'] },
    );
    expectXentError(
      () =>
        referenceSet('fooLoss', x, y, { refEmbeddings: tf.zeros([0, 2]), refLabels: tf.zeros([0], 'int32') }),
      'SHAPE_MISMATCH',
      { argument: 'options.refEmbeddings' },
    );
    expectXentError(
      () => referenceSet('fooLoss', x, y, { refEmbeddings: [[1, 2]], refLabels: [0, 1] }),
      'SHAPE_MISMATCH',
      { argument: 'options.refLabels', includes: ['int32 [M] with M = 1'] },
    );
    expectXentError(
      () => referenceSet('fooLoss', x, y, { refEmbeddings: [[1, 2]], refLabels: tf.tensor1d([0]) }),
      'DTYPE_MISMATCH',
      { argument: 'options.refLabels' },
    );
  });
});
