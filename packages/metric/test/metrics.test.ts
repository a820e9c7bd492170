import * as tf from '@tensorflow/tfjs';
import { expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import {
  epsilonOpis,
  mapAtR,
  nmi,
  opis,
  precisionAt1,
  recallAtK,
  rPrecision,
  utilization,
} from '../src/index.js';
import { normalizedMutualInformation } from '../src/metrics/nmi.js';

// 1-D points; rankings worked out by hand in the comments.
const points = [[0], [1], [3], [4.5], [10]];
const labels = [0, 0, 1, 0, 1];
// q0: 1✓ 3✗ 4.5✓ 10✗ (R=2) | q1: 0✓ 3✗ 4.5✓ (R=2) | q3: 4.5✗ 1✗ 0✗ 10✓ (R=1)
// q4.5: 3✗ 1✓ 0✓ (R=2) | q10: 4.5✗ 3✓ (R=1)

describe('retrieval metrics (hand-computed)', () => {
  it('precision@1 = 2/5, R-precision = 1.5/5, MAP@R = 1.25/5', () => {
    expect(precisionAt1(points, labels)).toBeCloseTo(0.4, 12);
    expect(rPrecision(points, labels)).toBeCloseTo(0.3, 12);
    expect(mapAtR(points, labels)).toBeCloseTo(0.25, 12);
  });
  it('recall@K is the DML hit rate: 4/5 at K = 2, P@1 at K = 1, 1 at K = 4', () => {
    expect(recallAtK(points, labels, 2)).toBeCloseTo(0.8, 12);
    expect(recallAtK(points, labels, 1)).toBeCloseTo(0.4, 12);
    expect(recallAtK(tf.tensor(points), tf.tensor1d(labels, 'int32'), 4)).toBe(1);
    expectXentError(() => recallAtK(points, labels, 0), 'INVALID_OPTION', { argument: 'options.k' });
  });
  it('cosine ranking, lone queries skipped, bad shapes rejected', () => {
    const e = [
      [1, 0],
      [2, 0.1],
      [0, 1],
      [0.1, 3],
      [-1, -1],
    ];
    expect(precisionAt1(e, [0, 0, 1, 1, 2], { distance: 'cosine' })).toBe(1);
    expect(mapAtR(e, [0, 0, 1, 1, 2], { distance: 'cosine' })).toBe(1);
    // No query has a relevant item: a typed error, not NaN (issue 13).
    expectXentError(() => precisionAt1(e, [0, 1, 2, 3, 4]), 'EMPTY_BATCH', { argument: 'labels' });
    expectXentError(() => mapAtR([1, 2, 3], [0, 0, 1]), 'SHAPE_MISMATCH', { argument: 'embeddings' });
    expectXentError(() => mapAtR(points, [0, 1]), 'SHAPE_MISMATCH', { argument: 'labels' });
  });
});

describe('nmi', () => {
  it('normalised MI by hand: identical partitions 1, independent 0, a worked case', () => {
    expect(normalizedMutualInformation([0, 0, 1, 1], [5, 5, 7, 7])).toBeCloseTo(1, 12);
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12);
    const mi = 0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) + 0.25 * Math.log(2);
    const ha = Math.log(2);
    const hb = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(mi / ((ha + hb) / 2), 12);
  });
  it('k-means recovers well-separated clusters: NMI 1', () => {
    const e = [
      [0, 0],
      [0.1, 0],
      [10, 10],
      [10, 10.2],
      [-10, 5],
      [-10.1, 5],
    ];
    expect(nmi(e, [2, 2, 0, 0, 1, 1], { seed: 3 })).toBeCloseTo(1, 12);
  });
});

describe('OPIS and ε-OPIS (hand-computed)', () => {
  it('0 when every class has the same operating characteristics', () => {
    const e = [
      [0, 0],
      [1, 0],
      [10, 0],
      [11, 0],
    ];
    expect(opis(e, [0, 0, 1, 1], { farRange: [0.25, 0.75], thresholds: 5 })).toBeCloseTo(0, 12);
    expect(epsilonOpis(e, [0, 0, 1, 1], { farRange: [0.25, 0.75], thresholds: 5, epsilon: 0.5 })).toBeCloseTo(
      0,
      12,
    );
  });
  it('a worked two-class case', () => {
    // Positives: class 0 at distance 1, class 1 at 10. Negatives [9, 10, 19, 20]: FAR 25–75% → d ∈ {9, 19}.
    // d = 9: U₀ = hm(1, .75) = 6/7, U₁ = 0, Ū = hm(.5, .75) = .6; d = 19: all hm(1, .25) = .4.
    const e = [
      [0, 0],
      [1, 0],
      [10, 0],
      [20, 0],
    ];
    const options = { farRange: [0.25, 0.75] as const, thresholds: 2 };
    const expected = 0.5 * ((6 / 7 - 0.6) ** 2 / 2 + 0.6 ** 2 / 2);
    expect(opis(e, [0, 0, 1, 1], options)).toBeCloseTo(expected, 12);
    expect(epsilonOpis(e, [0, 0, 1, 1], { ...options, epsilon: 0.5 })).toBeCloseTo((6 / 7) ** 2 / 2, 12);
    expectXentError(() => opis(e, [0, 0, 1, 1], { farRange: [0.5, 0.1] }), 'INVALID_OPTION', {
      argument: 'options.farRange',
    });
    expectXentError(() => epsilonOpis(e, [0, 0, 1, 1], { epsilon: 0 }), 'INVALID_OPTION', {
      argument: 'options.epsilon',
    });
  });
});

describe('utilization', () => {
  it('mean squared distance to the nearest training embedding', () => {
    expect(
      utilization(
        [
          [0, 0],
          [3, 0],
        ],
        [
          [1, 0],
          [0, 2],
        ],
      ),
    ).toBeCloseTo(2.5, 12);
    expectXentError(() => utilization([[0, 0]], [[1, 0, 0]]), 'SHAPE_MISMATCH', { argument: 'reference' });
  });
});
