import * as tf from '@tensorflow/tfjs';
import type { LossPart, PairIndices, TripletIndices } from '@xent/core';
import { expectClose, expectNoLeak, expectXentError, gradCheck, randomNormal } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import {
  avgNonZeroReducer,
  batchHardMiner,
  contrastiveLoss,
  cosineSimilarity,
  dotProduct,
  lpDistance,
  marginLoss,
  meanReducer,
  multiSimilarityLoss,
  multiSimilarityMiner,
  pairMarginMiner,
  thresholdReducer,
  tripletMarginLoss,
  tripletMarginMiner,
} from '../src/index.js';
import {
  allTriplets,
  contrastiveRef,
  cosMatrix,
  dot,
  euclid,
  l2Matrix,
  marginRef,
  mean,
  normalize,
  type Triplet,
  tripletRef,
} from './reference.js';

const labels = [0, 0, 0, 1, 1, 2, 2, 3];
const x = randomNormal([8, 4], 3) as number[][];

const triplesOf = (t: TripletIndices) => {
  const [a, p, n] = [t.anchors, t.positives, t.negatives].map((v) => Array.from(v.dataSync()));
  return a!.map((v, i) => `${v},${p![i]},${n![i]}`).sort();
};
const pairsOf = (t: PairIndices) => {
  const [a1, p, a2, n] = [t.anchorsPositive, t.positives, t.anchorsNegative, t.negatives].map((v) =>
    Array.from(v.dataSync()),
  );
  return {
    pos: a1!.map((v, i) => `${v},${p![i]}`).sort(),
    neg: a2!.map((v, i) => `${v},${n![i]}`).sort(),
  };
};
const key = (t: Triplet) => `${t.a},${t.p},${t.n}`;

describe('distances', () => {
  const raw = x.slice(0, 3);
  it('lpDistance: normalised Euclidean by default, p = 1 and 3, power 2, unnormalised', () => {
    const n = normalize(raw);
    expectClose(
      lpDistance().pairwise(tf.tensor(raw)),
      n.map((a) => n.map((b) => euclid(a, b))),
      { atol: 1e-4 },
    );
    const lp = (a: number[], b: number[], p: number) =>
      a.reduce((s, v, k) => s + Math.abs(v - b[k]!) ** p, 0) ** (1 / p);
    expectClose(
      lpDistance({ p: 1, normalizeEmbeddings: false }).pairwise(tf.tensor(raw)),
      raw.map((a) => raw.map((b) => lp(a, b, 1))),
    );
    expectClose(
      lpDistance({ p: 3, normalizeEmbeddings: false }).pairwise(tf.tensor(raw)),
      raw.map((a) => raw.map((b) => lp(a, b, 3))),
    );
    expectClose(
      lpDistance({ power: 2, normalizeEmbeddings: false }).pairwise(tf.tensor(raw)),
      raw.map((a) => raw.map((b) => euclid(a, b) ** 2)),
      { atol: 1e-4 },
    );
    expectClose(
      lpDistance({ normalizeEmbeddings: false }).paired(tf.tensor(raw), tf.tensor(x.slice(3, 6))),
      raw.map((a, i) => euclid(a, x[i + 3]!)),
    );
    expectXentError(() => lpDistance({ p: 0.5 }), 'INVALID_OPTION', { argument: 'options.p' });
  });
  it('lpDistance normalises rows with its own p, as PML does (x / ‖x‖_p), not with L2', () => {
    const lp = (a: number[], b: number[], p: number) =>
      a.reduce((s, v, k) => s + Math.abs(v - b[k]!) ** p, 0) ** (1 / p);
    const normalizeP = (rows: number[][], p: number) =>
      rows.map((r) => {
        const norm = Math.max(r.reduce((s, v) => s + Math.abs(v) ** p, 0) ** (1 / p), 1e-12);
        return r.map((v) => v / norm);
      });
    for (const p of [1, 3]) {
      const distance = lpDistance({ p });
      expect(distance.normalizationOrder).toBe(p);
      const n = normalizeP(raw, p);
      const other = normalizeP(x.slice(3, 6), p);
      expectClose(
        distance.pairwise(tf.tensor(raw)),
        n.map((a) => n.map((b) => lp(a, b, p))),
        { atol: 1e-5 },
      );
      expectClose(
        distance.paired(tf.tensor(raw), tf.tensor(x.slice(3, 6))),
        n.map((a, i) => lp(a, other[i]!, p)),
        { atol: 1e-5 },
      );
      // Every row has unit L_p norm, so by the triangle inequality d ≤ 2 — and L2 rows would not.
      const d = Array.from(distance.pairwise(tf.tensor(x)).dataSync());
      expect(Math.max(...d)).toBeLessThanOrEqual(2 + 1e-6);
    }
    // The gradient goes through the L1 normalisation too.
    gradCheck({
      fn: (t) => tf.sum(lpDistance({ p: 1 }).pairwise(t)),
      reference: (t) => {
        const n = normalizeP(t as number[][], 1);
        return n.reduce((s, a) => s + n.reduce((u, b) => u + lp(a, b, 1), 0), 0);
      },
      at: [raw],
    });
    expect(cosineSimilarity().normalizationOrder).toBe(2);
  });
  it('cosine and dot product are similarities; dot product does not normalise by default', () => {
    expect(cosineSimilarity().isInverted).toBe(true);
    expectClose(cosineSimilarity().pairwise(tf.tensor(raw)), cosMatrix(raw));
    expectClose(
      dotProduct().pairwise(tf.tensor(raw)),
      raw.map((a) => raw.map((b) => dot(a, b))),
      { atol: 1e-4 },
    );
    expectClose(dotProduct({ normalizeEmbeddings: true }).pairwise(tf.tensor(raw)), cosMatrix(raw));
  });
  it('L2 has a finite (zero) gradient at zero distance (duplicate rows, the diagonal)', () => {
    const dup = tf.tensor([
      [1, 2],
      [1, 2],
      [0, 1],
    ]);
    for (const p of [1, 2, 3]) {
      const g = tf.grad((t: tf.Tensor) => tf.sum(lpDistance({ p, normalizeEmbeddings: false }).pairwise(t)))(
        dup,
      );
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    }
    const g = tf.grad((t: tf.Tensor) =>
      contrastiveLoss(t, [0, 0, 1], { distance: lpDistance({ normalizeEmbeddings: false }) }),
    )(dup);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

describe('miners return exactly what a loop over the batch enumerates', () => {
  const d = l2Matrix(x);
  const s = cosMatrix(x);
  for (const type of ['all', 'hard', 'semihard', 'easy'] as const) {
    it(`tripletMarginMiner '${type}' (L2 and cosine)`, () => {
      const m = 0.2;
      const keep = (tm: number) =>
        type === 'all'
          ? tm <= m
          : type === 'hard'
            ? tm <= m && tm <= 0
            : type === 'semihard'
              ? tm > 0 && tm <= m
              : tm > m;
      const expected = allTriplets(labels)
        .filter(({ a, p, n }) => keep(d[a]![n]! - d[a]![p]!))
        .map(key)
        .sort();
      const t = tf.tensor(x);
      expect(
        triplesOf(
          tripletMarginMiner({ margin: m, type }).mine(t, tf.tensor1d(labels, 'int32')) as TripletIndices,
        ),
      ).toEqual(expected);
      const cosExpected = allTriplets(labels)
        .filter(({ a, p, n }) => keep(s[a]![p]! - s[a]![n]!))
        .map(key)
        .sort();
      const mined = tripletMarginMiner({ margin: m, type, distance: cosineSimilarity() }).mine(
        t,
        tf.tensor1d(labels, 'int32'),
      );
      expect(triplesOf(mined as TripletIndices)).toEqual(cosExpected);
    });
  }
  it('batchHardMiner: hardest positive and negative per anchor; drops anchors without both', () => {
    const expected: string[] = [];
    labels.forEach((la, a) => {
      const P = labels.flatMap((l, j) => (j !== a && l === la ? [j] : []));
      const N = labels.flatMap((l, j) => (l !== la ? [j] : []));
      if (!P.length || !N.length) return;
      const p = P.reduce((b, j) => (d[a]![j]! > d[a]![b]! ? j : b));
      const n = N.reduce((b, j) => (d[a]![j]! < d[a]![b]! ? j : b));
      expected.push(`${a},${p},${n}`);
    });
    expect(
      triplesOf(batchHardMiner().mine(tf.tensor(x), tf.tensor1d(labels, 'int32')) as TripletIndices),
    ).toEqual(expected.sort());
  });
  it('multiSimilarityMiner: ε-rule per anchor, cosine and L2', () => {
    for (const distance of [cosineSimilarity(), lpDistance()]) {
      const sim = distance.isInverted ? s : d.map((r) => r.map((v) => -v));
      const pos: string[] = [];
      const neg: string[] = [];
      labels.forEach((la, i) => {
        const P = labels.flatMap((l, j) => (j !== i && l === la ? [j] : []));
        const N = labels.flatMap((l, j) => (l !== la ? [j] : []));
        const hp = Math.min(...P.map((j) => sim[i]![j]!));
        const hn = Math.max(...N.map((k) => sim[i]![k]!));
        for (const j of P) if (sim[i]![j]! - 0.1 < hn) pos.push(`${i},${j}`);
        for (const k of N) if (sim[i]![k]! + 0.1 > hp) neg.push(`${i},${k}`);
      });
      const mined = pairsOf(
        multiSimilarityMiner({ distance }).mine(tf.tensor(x), tf.tensor1d(labels, 'int32')) as PairIndices,
      );
      expect(mined).toEqual({ pos: pos.sort(), neg: neg.sort() });
    }
  });
  it('pairMarginMiner: positives beyond posMargin, negatives within negMargin', () => {
    const pos: string[] = [];
    const neg: string[] = [];
    labels.forEach((la, i) => {
      labels.forEach((lb, j) => {
        if (i === j) return;
        if (la === lb && d[i]![j]! > 0.5) pos.push(`${i},${j}`);
        if (la !== lb && d[i]![j]! < 1.2) neg.push(`${i},${j}`);
      });
    });
    const mined = pairsOf(
      pairMarginMiner({ posMargin: 0.5, negMargin: 1.2 }).mine(
        tf.tensor(x),
        tf.tensor1d(labels, 'int32'),
      ) as PairIndices,
    );
    expect(mined).toEqual({ pos: pos.sort(), neg: neg.sort() });
  });
  it('losses on mined tuples equal the loop over exactly those tuples (with PML duplicate counting)', () => {
    const miner = tripletMarginMiner({ margin: 0.3, type: 'semihard' });
    const t = tf.tensor(x);
    const mined = miner.mine(t, tf.tensor1d(labels, 'int32')) as TripletIndices;
    const list = triplesOf(mined).map((k) => {
      const [a, p, n] = k.split(',').map(Number) as [number, number, number];
      return { a, p, n };
    });
    expect(list.length).toBeGreaterThan(0);
    expectClose(tripletMarginLoss(t, labels, { miner }), tripletRef(x, labels, {}, list));
    expectClose(marginLoss(t, labels, { miner }), marginRef(x, labels, {}, list));
    // Triplets → pairs: (a, p) repeated once per negative, as PML's contrastive loss counts them.
    const pairs = { pos: list.map(({ a, p }) => ({ a, b: p })), neg: list.map(({ a, n }) => ({ a, b: n })) };
    expectClose(contrastiveLoss(t, labels, { indices: mined }), contrastiveRef(x, labels, {}, pairs));
    gradCheck({
      fn: (e) => tripletMarginLoss(e, labels, { indices: mined }),
      reference: (e) => tripletRef(e, labels, {}, list),
      at: [x],
    });
    // Pairs → triplets for the triplet loss (a₁ = a₂).
    const pm = pairMarginMiner({ posMargin: 0.3, negMargin: 1.3 });
    const minedPairs = pm.mine(t, tf.tensor1d(labels, 'int32')) as PairIndices;
    const { pos, neg } = pairsOf(minedPairs);
    const fromPairs = pos.flatMap((pp) => {
      const [a, p] = pp.split(',').map(Number) as [number, number];
      return neg
        .filter((nn) => Number(nn.split(',')[0]) === a)
        .map((nn) => ({ a, p, n: Number(nn.split(',')[1]) }));
    });
    expectClose(tripletMarginLoss(t, labels, { indices: minedPairs }), tripletRef(x, labels, {}, fromPairs));
    expectNoLeak(() => tripletMarginLoss(t, labels, { miner }));
    expectNoLeak(() => multiSimilarityLoss(t, labels, { miner: multiSimilarityMiner() }));
  });
  it('the all-triplet path with a custom reducer (explicit losses) equals the blocked path', () => {
    const custom = {
      name: 'sum/4',
      reduce: (parts: readonly LossPart[]) => tf.div(tf.sum(parts[0]!.losses), 4) as tf.Scalar,
    };
    const all = allTriplets(labels);
    const d64 = l2Matrix(x);
    const expected =
      all.reduce((s0, { a, p, n }) => s0 + Math.max(d64[a]![p]! - d64[a]![n]! + 0.05, 0), 0) / 4;
    expectClose(tripletMarginLoss(x, labels, { reducer: custom }), expected);
    expectClose(
      tripletMarginLoss(x, labels, { reducer: meanReducer() }),
      tripletRef(x, labels, { reducer: 'mean' }),
    );
  });
});

describe('reducers', () => {
  const parts = () => [
    { losses: tf.tensor([0, 0.5, 2, 0]), kind: 'pos-pair' as const },
    { losses: tf.tensor([1, 3]), kind: 'neg-pair' as const },
    { losses: tf.scalar(0.25), kind: 'reduced' as const },
  ];
  it('mean, avgNonZero, threshold: each part reduced, then summed; weights count multiplicity', () => {
    expectClose(meanReducer().reduce(parts()), 2.5 / 4 + 2 + 0.25);
    expectClose(avgNonZeroReducer().reduce(parts()), 1.25 + 2 + 0.25);
    expectClose(thresholdReducer({ low: 0.6, high: 2.5 }).reduce(parts()), 2 + 1 + 0.25);
    expectClose(
      meanReducer().reduce([
        { losses: tf.tensor([1, 2, 3]), weights: tf.tensor([2, 0, 1]), kind: 'element' } as never,
      ]),
      mean([1, 1, 3]),
    );
  });
  it('nothing kept → 0 with a zero gradient', () => {
    const v = tf.tensor([0, 0]);
    expectClose(avgNonZeroReducer().reduce([{ losses: v, kind: 'element' }]), 0);
    const g = tf.grad((t: tf.Tensor) =>
      thresholdReducer({ low: 5 }).reduce([{ losses: t, kind: 'element' }]),
    )(tf.tensor([1, 2]));
    expectClose(g, [0, 0]);
    expectXentError(() => thresholdReducer({ low: 2, high: 1 }), 'INVALID_OPTION', {
      argument: 'options.high',
    });
  });
  it('losses take any Reducer', () => {
    expectClose(
      contrastiveLoss(x, labels, { reducer: meanReducer() }),
      (() => {
        const dd = l2Matrix(x);
        const pos: number[] = [];
        const neg: number[] = [];
        labels.forEach((la, i) => {
          labels.forEach((lb, j) => {
            if (i !== j)
              (la === lb ? pos : neg).push(la === lb ? Math.max(dd[i]![j]!, 0) : Math.max(1 - dd[i]![j]!, 0));
          });
        });
        return mean(pos) + mean(neg);
      })(),
    );
  });
});

describe('options of miners, reducers and factories', () => {
  it('reject bad values', () => {
    expectXentError(() => tripletMarginMiner({ type: 'medium' as never }), 'INVALID_OPTION');
    expectXentError(() => tripletMarginMiner({ margin: Number.NaN }), 'INVALID_OPTION');
    expectXentError(() => multiSimilarityMiner({ epsilon: -1 }), 'INVALID_OPTION');
    expectXentError(() => pairMarginMiner({ posMargin: Number.POSITIVE_INFINITY }), 'INVALID_OPTION');
    expectXentError(() => thresholdReducer({ low: Number.NaN }), 'INVALID_OPTION');
  });
  it('a custom Reducer gets plain per-pair losses (multiplicities expanded)', () => {
    const meanOfParts = {
      name: 'meanOfParts',
      reduce: (parts: readonly LossPart[]) => tf.addN(parts.map((p) => tf.mean(p.losses))) as tf.Scalar,
    };
    expectClose(
      contrastiveLoss(x, labels, { reducer: meanOfParts }),
      contrastiveLoss(x, labels, { reducer: meanReducer() }),
    );
    const mined = tripletMarginMiner({ margin: 0.5 }).mine(tf.tensor(x), tf.tensor1d(labels, 'int32'));
    expectClose(
      contrastiveLoss(x, labels, { reducer: meanOfParts, indices: mined }),
      contrastiveLoss(x, labels, { reducer: meanReducer(), indices: mined }),
    );
  });
  it('onMined reports a miner as the source, with its counts', () => {
    const infos: unknown[] = [];
    tripletMarginLoss(x, labels, { miner: batchHardMiner(), onMined: (info) => infos.push(info) });
    expect(infos[0]).toMatchObject({ source: 'miner', triplets: 7, empty: false });
  });
});
