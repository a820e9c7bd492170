import { describe, expect, it } from 'vitest';
import { multiLabelScores } from '../src/lib/evaluate.js';
import {
  meanAveragePrecision,
  nearestNeighbourAccuracy,
  pca2,
  reliability,
  roc,
} from '../src/lib/metrics.js';

describe('multi-label mAP and F1', () => {
  it('match hand-computed values (4 rows, 2 labels)', () => {
    // label 0: scores .9 (+) .8 (−) .7 (+) .1 (−) → AP = (1/1 + 2/3)/2 = 5/6;
    //          at ½: TP 2, FP 1, FN 0 → F1 = 4/5
    // label 1: scores .2 (+) .6 (−) .3 (−) .4 (−) → ranks .6 .4 .3 .2, the positive 4th → AP = 1/4;
    //          at ½: TP 0, FP 1, FN 1 → F1 = 0
    const probs = [0.9, 0.2, 0.8, 0.6, 0.7, 0.3, 0.1, 0.4];
    const targets = [1, 1, 0, 0, 1, 0, 0, 0];
    const { map, f1 } = multiLabelScores(probs, targets, 4, 2);
    expect(map).toBeCloseTo((5 / 6 + 1 / 4) / 2, 12);
    expect(f1).toBeCloseTo((4 / 5 + 0) / 2, 12);
  });

  it('skips labels without a positive in the mAP', () => {
    const { map } = multiLabelScores([0.9, 0.1, 0.2, 0.8], [1, 0, 0, 0], 2, 2);
    expect(map).toBe(1);
  });
});

describe('reliability / ECE', () => {
  it('matches a hand-computed diagram (3 classes, 2 bins)', () => {
    // confidences .9 ✓, .8 ✗, .6 ✓ → bin (0.5, 1]; .4 ✓ → bin [0, 0.5]
    const probs = [0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.6, 0.3, 0.1, 0.3, 0.4, 0.3];
    const { bins, ece, accuracy } = reliability(probs, [0, 0, 0, 1], 3, 2);
    expect(bins[0]).toMatchObject({ count: 1, lower: 0, upper: 0.5 });
    expect(bins[0]!.confidence).toBeCloseTo(0.4, 12);
    expect(bins[0]!.accuracy).toBe(1);
    expect(bins[1]!.count).toBe(3);
    expect(bins[1]!.confidence).toBeCloseTo(2.3 / 3, 12);
    expect(bins[1]!.accuracy).toBeCloseTo(2 / 3, 12);
    // ECE = 1/4·|1 − 0.4| + 3/4·|2/3 − 2.3/3| = 0.15 + 0.075
    expect(ece).toBeCloseTo(0.225, 12);
    expect(accuracy).toBe(0.75);
  });

  it('puts a confidence on a bin edge in the lower bin and leaves empty bins NaN', () => {
    const { bins, ece } = reliability([0.5, 0.5], [0], 2, 2);
    expect(bins[0]!.count).toBe(1);
    expect(bins[1]!.count).toBe(0);
    expect(bins[1]!.accuracy).toBeNaN();
    expect(ece).toBeCloseTo(0.5, 12);
  });

  it('is 0 for a perfectly calibrated set', () => {
    // two examples at confidence 1, both right
    expect(reliability([1, 0, 0, 1], [0, 1], 2, 10).ece).toBe(0);
  });
});

describe('ROC / AUC', () => {
  it('matches hand-computed points and the Mann–Whitney AUC', () => {
    const { fpr, tpr, auc } = roc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]);
    expect(fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(auc).toBeCloseTo(0.75, 12); // 3 of 4 positive/negative pairs ordered correctly
  });

  it('merges tied scores into one diagonal step (AUC ½ per tie)', () => {
    expect(roc([0.5, 0.5], [true, false]).auc).toBeCloseTo(0.5, 12);
    const tied = roc([1, 0.5, 0.5, 0], [1, 1, 0, 0]);
    expect(tied.auc).toBeCloseTo(0.875, 12); // pairs: 1 > both (2), tie (½), 0.5 > 0 (1) → 3.5 / 4
    expect(tied.fpr).toEqual([0, 0, 0.5, 1]);
  });

  it('gives 1 for a perfect ranking and NaN without both classes', () => {
    expect(roc([3, 2, 1], [1, 1, 0]).auc).toBe(1);
    expect(roc([0, 1], [0, 0]).auc).toBeNaN();
  });
});

describe('nearest-neighbour accuracy and PCA', () => {
  it('1-NN leave-one-out on 1-D points', () => {
    // 0.2 (class 1) is nearest to 0.1 (class 0): one miss of five
    expect(nearestNeighbourAccuracy([0, 0.1, 5, 5.1, 0.2], [0, 0, 1, 1, 1], 1)).toBeCloseTo(0.8, 12);
  });

  it('projects points on a line in 3-D onto its direction', () => {
    const points = [-1, -2, 0, 0, 0, 0, 1, 2, 0];
    const p = pca2(points, 3, 3);
    expect(Math.abs(p[0]!)).toBeCloseTo(Math.sqrt(5), 6);
    expect(p[2]).toBeCloseTo(0, 9);
    expect(Math.abs(p[4]!)).toBeCloseTo(Math.sqrt(5), 6);
    for (const i of [1, 3, 5]) expect(p[i]).toBeCloseTo(0, 6);
  });
});

describe('retrieval mAP', () => {
  it('matches hand-computed values (2 queries × 4 docs) and skips queries without a relevant doc', () => {
    // query 0: ranks d0 (+) d2 (−) d1 (+) d3 (−) → AP = (1/1 + 2/3)/2 = 5/6
    // query 1: ranks d3 (−) d2 (−) d1 (+) d0 (−) → AP = 1/3
    const scores = [0.9, 0.2, 0.5, 0.1, 0.1, 0.3, 0.4, 0.8];
    const relevant = [1, 1, 0, 0, 0, 1, 0, 0];
    expect(meanAveragePrecision(scores, relevant, 2, 4)).toBeCloseTo((5 / 6 + 1 / 3) / 2, 12);
    expect(meanAveragePrecision(scores, [1, 1, 0, 0, 0, 0, 0, 0], 2, 4)).toBeCloseTo(5 / 6, 12);
    expect(meanAveragePrecision([1, 2], [false, false], 1, 2)).toBeNaN();
    // Ties keep doc order.
    expect(meanAveragePrecision([0.5, 0.5], [0, 1], 1, 2)).toBe(0.5);
  });
});
