import * as tf from '@tensorflow/tfjs';
import { expectNoLeak, expectXentError, seededRandom } from '@xent/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapAtK } from '../src/metrics/map-at-k.js';
import { mrrAtK } from '../src/metrics/mrr-at-k.js';
import { ndcgAtK } from '../src/metrics/ndcg-at-k.js';
import { recallAtK } from '../src/metrics/recall-at-k.js';
import { rocAuc } from '../src/metrics/roc-auc.js';
import { type Matrix, mean, pairCountAuc } from './reference.js';

// Float64 references from the definitions: rank by score (ties by index), then count.
function ranked(scores: number[], rel: number[]): number[] {
  return scores
    .map((s, j) => ({ s, j }))
    .sort((a, b) => b.s - a.s || a.j - b.j)
    .map(({ j }) => rel[j]!);
}
function perQuery(s: Matrix, r: Matrix, f: (ranked: number[], row: number[]) => number): number {
  return mean(
    s
      .map((row, i) => (r[i]!.some((v) => v > 0) ? f(ranked(row, r[i]!), r[i]!) : Number.NaN))
      .filter((v) => !Number.isNaN(v)),
  );
}
const refs = {
  recall: (s: Matrix, r: Matrix, k: number) =>
    perQuery(s, r, (rk, row) => rk.slice(0, k).filter((v) => v > 0).length / row.filter((v) => v > 0).length),
  mrr: (s: Matrix, r: Matrix, k: number) =>
    perQuery(s, r, (rk) => {
      for (let i = 0; i < Math.min(k, rk.length); i++) if (rk[i]! > 0) return 1 / (i + 1);
      return 0;
    }),
  ndcg: (s: Matrix, r: Matrix, k: number) =>
    perQuery(s, r, (rk, row) => {
      let dcg = 0;
      let idcg = 0;
      const ideal = [...row].sort((a, b) => b - a);
      for (let i = 0; i < k; i++) {
        dcg += (rk[i] ?? 0) / Math.log2(i + 2);
        idcg += (ideal[i] ?? 0) / Math.log2(i + 2);
      }
      return dcg / idcg;
    }),
  map: (s: Matrix, r: Matrix, k: number) =>
    perQuery(s, r, (rk, row) => {
      let sum = 0;
      for (let i = 0; i < Math.min(k, rk.length); i++) {
        if (rk[i]! <= 0) continue;
        const hits = rk.slice(0, i + 1).filter((v) => v > 0).length;
        sum += hits / (i + 1);
      }
      return sum / Math.min(k, row.filter((v) => v > 0).length);
    }),
};

const caseArb = fc.record({
  seed: fc.integer({ min: 1, max: 100_000 }),
  q: fc.integer({ min: 1, max: 5 }),
  c: fc.integer({ min: 2, max: 12 }),
  k: fc.integer({ min: 1, max: 14 }),
  ties: fc.boolean(),
});
function data(c: Parameters<Parameters<typeof caseArb.map>[0]>[0]) {
  const next = seededRandom(c.seed);
  const s = Array.from({ length: c.q }, () =>
    Array.from({ length: c.c }, () => (c.ties ? Math.floor(next() * 3) : next())),
  );
  const r = Array.from({ length: c.q }, () => Array.from({ length: c.c }, () => (next() < 0.3 ? 1 : 0)));
  return { s, r };
}

describe('retrieval metrics', () => {
  it('rocAuc equals the exact pair count, ties counted half (property)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { s, r } = data(c);
        const flatS = s.flat();
        const flatR = r.flat().map((v) => v > 0);
        const exact = pairCountAuc(flatS, flatR);
        const got = rocAuc(s, r);
        if (Number.isNaN(exact)) expect(got).toBeNaN();
        else expect(Math.abs(got - exact)).toBeLessThan(1e-12);
        const rows = s
          .map((row, i) =>
            pairCountAuc(
              row,
              r[i]!.map((v) => v > 0),
            ),
          )
          .filter((v) => !Number.isNaN(v));
        const perQ = rocAuc(s, r, { pairing: 'perQuery' });
        if (rows.length === 0) expect(perQ).toBeNaN();
        else expect(Math.abs(perQ - mean(rows))).toBeLessThan(1e-12);
      }),
      { numRuns: 50 },
    );
  });
  it('recall@k, MRR@k, nDCG@k and MAP@k match their definitions (property)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { s, r } = data(c);
        const compare = (got: number, want: number) =>
          Number.isNaN(want) ? expect(got).toBeNaN() : expect(Math.abs(got - want)).toBeLessThan(1e-12);
        compare(recallAtK(s, r, { k: c.k }), refs.recall(s, r, c.k));
        compare(mrrAtK(s, r, { k: c.k }), refs.mrr(s, r, c.k));
        compare(ndcgAtK(s, r, { k: c.k }), refs.ndcg(s, r, c.k));
        compare(mapAtK(s, r, { k: c.k }), refs.map(s, r, c.k));
      }),
      { numRuns: 50 },
    );
  });
  it('gives known values on a hand-checked ranking', () => {
    const s = [[0.9, 0.8, 0.7, 0.6, 0.5]];
    const r = [[0, 1, 0, 1, 1]];
    expect(recallAtK(s, r, { k: 2 })).toBeCloseTo(1 / 3, 12);
    expect(mrrAtK(s, r, { k: 2 })).toBeCloseTo(1 / 2, 12);
    expect(mapAtK(s, r, { k: 4 })).toBeCloseTo((1 / 2 + 2 / 4) / 3, 12);
    expect(ndcgAtK(s, r, { k: 3 })).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3) + 1 / 2), 12);
    expect(ndcgAtK([[0.1, 0.9]], [[3, 1]], { k: 2, gain: 'exponential' })).toBeCloseTo(
      (1 + 7 / Math.log2(3)) / (7 + 1 / Math.log2(3)),
      12,
    );
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(rocAuc([0.5, 0.4], [1, 1])).toBeNaN();
  });
  it('accepts tensors and leaks nothing', () => {
    const s = tf.tensor([[0.3, 0.2, 0.1]]);
    const r = tf.tensor([[0, 1, 1]]);
    expect(expectNoLeak(() => rocAuc(s, r))).toBe(0);
    expect(expectNoLeak(() => ndcgAtK(s, r, { k: 2 }))).toBeCloseTo(
      1 / Math.log2(3) / (1 + 1 / Math.log2(3)),
      6,
    );
    tf.dispose([s, r]);
  });
  it('rejects bad inputs', () => {
    expectXentError(() => recallAtK([[1, 2]], [[1, 0, 0]]), 'SHAPE_MISMATCH', { argument: 'relevance' });
    expectXentError(() => mrrAtK([[1, 2]], [[-1, 0]]), 'LABEL_OUT_OF_RANGE', { argument: 'relevance' });
    expectXentError(() => ndcgAtK([[Number.NaN, 2]], [[1, 0]]), 'NON_FINITE_INPUT', { argument: 'scores' });
    expectXentError(() => mapAtK([[1, 2]], [[1, 0]], { k: 0 }), 'INVALID_OPTION', { argument: 'options.k' });
    expectXentError(() => ndcgAtK([[1, 2]], [[1, 0]], { gain: 'log' as 'linear' }), 'INVALID_OPTION', {
      argument: 'options.gain',
    });
    expectXentError(() => rocAuc([[1, 2]], [[1, 0]], { pairing: 'rows' as 'global' }), 'INVALID_OPTION');
    expectXentError(() => rocAuc([[1, 2]], [[1, 0]], { k: 3 } as never), 'INVALID_OPTION', {
      argument: 'options.k',
    });
    expectXentError(() => recallAtK([[[1]]], [[[1]]]), 'SHAPE_MISMATCH', { argument: 'scores' });
    expectXentError(() => recallAtK([[]], [[]]), 'EMPTY_BATCH');
  });
});
