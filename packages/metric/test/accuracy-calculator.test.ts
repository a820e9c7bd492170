import { expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import { accuracyCalculator, adjustedMutualInformation } from '../src/index.js';
import pml from './fixtures/pml-accuracy.json';

const names = {
  precisionAt1: 'precision_at_1',
  rPrecision: 'r_precision',
  mapAtR: 'mean_average_precision_at_r',
  map: 'mean_average_precision',
  mrr: 'mean_reciprocal_rank',
} as const;
const retrieval = Object.keys(names) as (keyof typeof names)[];

describe('accuracyCalculator agrees with PML 2.9’s AccuracyCalculator', () => {
  const q = pml.queries;
  const ql = pml.queryLabels;
  it('queries against themselves', () => {
    const got = accuracyCalculator(q, ql, { include: retrieval });
    for (const m of retrieval) expect(got[m]).toBeCloseTo(pml.same[names[m]], 12);
  });
  it('avgOfAvgs and perClass', () => {
    const avg = accuracyCalculator(q, ql, { include: retrieval, avgOfAvgs: true });
    for (const m of retrieval) expect(avg[m]).toBeCloseTo(pml.sameAvgOfAvgs[names[m]], 12);
    const per = accuracyCalculator(q, ql, { include: retrieval, perClass: true });
    for (const m of retrieval)
      expect(Object.values(per.perClass![m]!).map((v) => +v.toFixed(12))).toEqual(
        pml.samePerClass[names[m]].map((v) => +v.toFixed(12)),
      );
  });
  it('queries ≠ reference (own copies kept, a reference-only class, k = 3)', () => {
    const options = { reference: pml.reference, referenceLabels: pml.referenceLabels, include: retrieval };
    const got = accuracyCalculator(q, ql, options);
    for (const m of retrieval) expect(got[m]).toBeCloseTo(pml.separate[names[m]], 12);
    // PML truncates MAP@R and R-precision at k (it warns they are then wrong); here they use R.
    const k3 = accuracyCalculator(q, ql, { ...options, k: 3 });
    for (const m of ['precisionAt1', 'map', 'mrr'] as const)
      expect(k3[m]).toBeCloseTo(pml.separateK3[names[m]], 12);
    expect(k3.mapAtR).toBeCloseTo(pml.separate.mean_average_precision_at_r, 12);
  });
  it('NMI and AMI of the k-means clustering; perfect clusters give 1', () => {
    const tight = [[0], [0.1], [5], [5.1], [10], [10.2]];
    const got = accuracyCalculator(tight, [0, 0, 1, 1, 2, 2], { include: ['nmi', 'ami'] });
    expect(got.nmi).toBeCloseTo(1, 12);
    expect(got.ami).toBeCloseTo(1, 12);
    const noisy = accuracyCalculator(q, ql, { seed: 3 });
    expect(noisy.ami!).toBeLessThanOrEqual(noisy.nmi! + 1e-12);
  });
  it('bad options', () => {
    expectXentError(() => accuracyCalculator(q, ql, { reference: pml.reference }), 'INVALID_OPTION', {
      argument: 'options.referenceLabels',
    });
    expectXentError(() => accuracyCalculator(q, ql, { avgOfAvgs: true, perClass: true }), 'INVALID_OPTION');
    expectXentError(() => accuracyCalculator(q, ql, { k: 0 }), 'INVALID_OPTION', { argument: 'options.k' });
    expectXentError(() => accuracyCalculator(q, ql, { include: ['f1' as never] }), 'INVALID_OPTION');
    expectXentError(() => accuracyCalculator(q, ql, { k: 2.5 }), 'INVALID_OPTION', { argument: 'options.k' });
    expectXentError(() => accuracyCalculator(q, ql, { include: 'map' as never }), 'INVALID_OPTION', {
      argument: 'options.include',
    });
  });
  it('options are schema-checked: unknown keys with a did-you-mean, types, ranges, enums', () => {
    const typo = expectXentError(
      () => accuracyCalculator(q, ql, { avgOfAvg: true } as never),
      'INVALID_OPTION',
      { argument: 'options.avgOfAvg' },
    );
    expect(String((typo as Error).message)).toContain("did you mean 'avgOfAvgs'?");
    expectXentError(() => accuracyCalculator(q, ql, { refLabels: ql } as never), 'INVALID_OPTION', {
      argument: 'options.refLabels',
    });
    expectXentError(() => accuracyCalculator(q, ql, { perClass: 'yes' as never }), 'INVALID_OPTION', {
      argument: 'options.perClass',
    });
    expectXentError(() => accuracyCalculator(q, ql, { distance: 'manhattan' as never }), 'INVALID_OPTION', {
      argument: 'options.distance',
    });
    expectXentError(() => accuracyCalculator(q, ql, { seed: 1.5 }), 'INVALID_OPTION', {
      argument: 'options.seed',
    });
    expectXentError(() => accuracyCalculator(q, ql, { k: Number.NaN }), 'INVALID_OPTION', {
      argument: 'options.k',
    });
    expectXentError(() => accuracyCalculator(q, ql, [] as never), 'INVALID_OPTION', { argument: 'options' });
    // Explicit defaults and undefined values behave like omitted options.
    const base = accuracyCalculator(q, ql, { include: ['map'] });
    expect(
      accuracyCalculator(q, ql, { include: ['map'], k: Number.POSITIVE_INFINITY, seed: undefined }),
    ).toEqual(base);
  });
});

describe('adjustedMutualInformation agrees with scikit-learn', () => {
  for (const [i, { a, b, ami }] of pml.ami.entries()) {
    it(`case ${i}`, () => expect(adjustedMutualInformation(a, b)).toBeCloseTo(ami, 9));
  }
  it('identical partitions up to renaming: 1; symmetric', () => {
    expect(adjustedMutualInformation([0, 0, 1, 2, 2], [5, 5, 3, 4, 4])).toBeCloseTo(1, 12);
    const [a, b] = [pml.ami[0]!.a, pml.ami[0]!.b];
    expect(adjustedMutualInformation(a, b)).toBeCloseTo(adjustedMutualInformation(b, a), 12);
  });
});
