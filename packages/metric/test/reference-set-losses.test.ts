// Reference sets and custom label comparison on the lifted-structure, NCA and FastAP losses: float64
// loops over explicit pair masks (query × reference), written from the formulas.
import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, gradCheck, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import { cosineSimilarity, fastApLoss, liftedStructureLoss, ncaLoss, sumReducer } from '../src/index.js';
import { dot, euclid, lse, mean, normalize, relu } from './reference.js';

type M = number[][];
interface Masks {
  pos: M;
  neg: M;
  /** The reference is the batch: the other end of a pair is a row (else a column). */
  batch: boolean;
}
const m = (v: unknown) => v as M;
const ids = (v: unknown) => v as number[];

/** Pair masks from labels: query × reference, self-pairs removed when the reference is the batch. */
function labelMasks(y: number[], ref?: number[]): Masks {
  const r = ref ?? y;
  const keep = (i: number, j: number) => ref !== undefined || i !== j;
  return {
    pos: y.map((a, i) => r.map((b, j) => (keep(i, j) && a === b ? 1 : 0))),
    neg: y.map((a, i) => r.map((b, j) => (keep(i, j) && a !== b ? 1 : 0))),
    batch: ref === undefined,
  };
}
/** Custom masks (multi-label): positives share a tag, negatives share none; self-pairs removed. */
function tagMasks(tags: number[][]): Masks {
  const share = (a: number[], b: number[]) => a.some((t) => b.includes(t));
  return {
    pos: tags.map((a, i) => tags.map((b, j) => (i !== j && share(a, b) ? 1 : 0))),
    neg: tags.map((a, i) => tags.map((b, j) => (i !== j && !share(a, b) ? 1 : 0))),
    batch: true,
  };
}
const distances = (q: M, r: M, f: (a: number[], b: number[]) => number) => {
  const [nq, nr] = [normalize(q), normalize(r)];
  return nq.map((a) => nr.map((b) => f(a, b)));
};

function liftedLoop(d: M, k: Masks, o: { negMargin?: number; posMargin?: number; cosine?: boolean } = {}) {
  const [negM, posM] = [o.negMargin ?? 1, o.posMargin ?? 0];
  const margin = (x: number, y: number) => (o.cosine ? y - x : x - y);
  if (!k.neg.some((row) => row.some(Boolean))) return 0;
  const losses: number[] = [];
  k.pos.forEach((row, i) => {
    row.forEach((p, j) => {
      if (!p) return;
      const terms: number[] = [];
      terms.push(...k.neg[i]!.flatMap((n, c) => (n ? [margin(negM, d[i]![c]!)] : [])));
      if (k.batch) terms.push(...k.neg[j]!.flatMap((n, c) => (n ? [margin(negM, d[j]![c]!)] : [])));
      else terms.push(...k.neg.flatMap((r, l) => (r[j] ? [margin(negM, d[l]![j]!)] : [])));
      losses.push(relu((terms.length ? lse(terms) : 0) + margin(d[i]![j]!, posM)) ** 2 / 2);
    });
  });
  return mean(losses);
}
function ncaLoop(d2: M, k: Masks, scale = 1) {
  const losses = k.pos.flatMap((row, i) => {
    const logits = d2[i]!.map((v) => -scale * v);
    const own = logits.filter((_, j) => row[j]);
    if (!own.length) return [];
    return [lse(logits.filter((_, j) => row[j] || k.neg[i]![j])) - lse(own)];
  });
  return mean(losses);
}
function fastApLoop(d2: M, k: Masks, bins = 10) {
  const delta = 4 / bins;
  const losses = k.pos.flatMap((row, i) => {
    const count = row.filter(Boolean).length;
    if (!count) return [];
    const hist = (mask: number[]) =>
      Array.from({ length: bins + 1 }, (_, l) =>
        mask.reduce((s, w, j) => s + (w ? relu(1 - Math.abs(d2[i]![j]! - l * delta) / delta) : 0), 0),
      );
    const hp = hist(row);
    const hn = hist(k.neg[i]!.map((n, j) => (n && !row[j] ? 1 : 0)));
    let [cumPos, cumAll, ap] = [0, 0, 0];
    hp.forEach((h, l) => {
      cumPos += h;
      cumAll += h + hn[l]!;
      if (h * cumPos > 0) ap += (h * cumPos) / cumAll;
    });
    return [1 - ap / count];
  });
  return mean(losses);
}

const x = randomNormal([6, 3], 81) as M;
const labels = [0, 0, 1, 1, 2, 3];
const ref = randomNormal([5, 3], 82) as M;
const refLabels = [1, 0, 2, 1, 4];
const refOptions = { refEmbeddings: ref, refLabels };
const l2 = (q: M, r: M) => distances(q, r, euclid);
const sq = (q: M, r: M) => distances(q, r, (a, b) => euclid(a, b) ** 2);
const opts = (o: unknown) => o as { refEmbeddings: M; refLabels: number[] };

runLossConformance(liftedStructureLoss, [
  {
    name: 'reference set (query row + reference column negatives)',
    inputs: [x, labels],
    options: refOptions,
    reference: ([e, y], o) =>
      liftedLoop(l2(m(e), opts(o).refEmbeddings), labelMasks(ids(y), opts(o).refLabels)),
  },
  {
    name: 'reference set, cosine, m⁻ 0.3, m⁺ 0.8',
    inputs: [x, labels],
    options: { ...refOptions, distance: cosineSimilarity(), negMargin: 0.3, posMargin: 0.8 },
    reference: ([e, y], o) =>
      liftedLoop(distances(m(e), opts(o).refEmbeddings, dot), labelMasks(ids(y), opts(o).refLabels), {
        cosine: true,
        negMargin: 0.3,
        posMargin: 0.8,
      }),
  },
]);
runLossConformance(ncaLoss, [
  {
    name: 'reference set, σ 2',
    inputs: [x, labels],
    options: { ...refOptions, softmaxScale: 2 },
    reference: ([e, y], o) =>
      ncaLoop(sq(m(e), opts(o).refEmbeddings), labelMasks(ids(y), opts(o).refLabels), 2),
  },
]);
runLossConformance(fastApLoss, [
  {
    name: 'reference set, 6 bins',
    inputs: [x, labels],
    options: { ...refOptions, numBins: 6 },
    reference: ([e, y], o) =>
      fastApLoop(sq(m(e), opts(o).refEmbeddings), labelMasks(ids(y), opts(o).refLabels), 6),
  },
]);

describe('lifted structure, NCA and FastAP: custom label comparison (positiveMask / negativeMask)', () => {
  const tags = [[0], [0, 1], [1], [1, 2], [2], [3]];
  const masks = tagMasks(tags);
  const dummy = [0, 1, 2, 3, 4, 5];
  const cases = [
    ['liftedStructureLoss', liftedStructureLoss, (e: M, k: Masks) => liftedLoop(l2(e, e), k)],
    ['ncaLoss', ncaLoss, (e: M, k: Masks) => ncaLoop(sq(e, e), k)],
    ['fastApLoss', fastApLoss, (e: M, k: Masks) => fastApLoop(sq(e, e), k)],
  ] as const;
  for (const [name, loss, loop] of cases) {
    const f = loss as (...args: unknown[]) => tf.Tensor;
    it(`${name}: the label-equality mask reproduces the default`, () => {
      const equal = labels.map((a) => labels.map((b) => (a === b ? 1 : 0)));
      expectClose(f(x, labels, { positiveMask: equal }), f(x, labels), { atol: 1e-6 });
    });
    it(`${name}: multi-label tags match a loop, value and gradient`, () => {
      expectClose(f(x, dummy, { positiveMask: masks.pos }), loop(x, masks), { atol: 1e-5, rtol: 1e-4 });
      gradCheck({
        fn: (e) => f(e, dummy, { positiveMask: masks.pos }),
        reference: (e) => loop(m(e), masks),
        at: [x],
      });
    });
    it(`${name}: pairs in neither mask are ignored`, () => {
      // Drop the pairs whose tags overlap only partially from both sets.
      const partial = tags.map((a, i) =>
        tags.map((b, j) => (masks.pos[i]![j] && a.length !== b.length ? 1 : 0)),
      );
      const strict: Masks = {
        pos: masks.pos.map((row, i) => row.map((v, j) => (v && !partial[i]![j] ? 1 : 0))),
        neg: masks.neg,
        batch: true,
      };
      expectClose(f(x, dummy, { positiveMask: strict.pos, negativeMask: strict.neg }), loop(x, strict), {
        atol: 1e-5,
        rtol: 1e-4,
      });
      expectNoLeak(() => f(x, dummy, { positiveMask: strict.pos, negativeMask: strict.neg }).dispose());
    });
  }
  it('reference set with a custom [B, M] mask (lifted): columns of the reference', () => {
    const pos = labels.map((a) => refLabels.map((b) => (a === b ? 1 : 0)));
    expectClose(
      liftedStructureLoss(x, labels, { ...refOptions, positiveMask: pos }),
      liftedStructureLoss(x, labels, refOptions),
      { atol: 1e-6 },
    );
  });
  it('degenerate reference sets: no shared class → 0 with a zero gradient', () => {
    const far = { refEmbeddings: ref, refLabels: [7, 7, 8, 8, 9] };
    for (const loss of [liftedStructureLoss, ncaLoss, fastApLoss]) {
      const f = (e: tf.Tensor) => (loss as (...args: unknown[]) => tf.Tensor)(e, labels, far);
      const e = tf.tensor(x);
      expect(f(e).dataSync()[0]).toBe(0);
      expect(Array.from(tf.grad(f)(e).dataSync()).every((g) => g === 0)).toBe(true);
      e.dispose();
    }
  });
  it('lifted with a reference set honours the reducer (sum over positive pairs)', () => {
    const k = labelMasks(labels, refLabels);
    const d = l2(x, ref);
    const count = k.pos.flat().filter(Boolean).length;
    expectClose(
      liftedStructureLoss(x, labels, { ...refOptions, reducer: sumReducer() }),
      liftedLoop(d, k) * count,
      { atol: 1e-5, rtol: 1e-4 },
    );
  });
});
