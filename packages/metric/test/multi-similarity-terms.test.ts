import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, gradCheck, randomNormal, seededRandom } from '@xent/testing';
import { describe, it } from 'vitest';
import {
  deviceMultiSimilarity,
  hostMultiSimilarity,
  type MultiSimilarityTerms,
} from '../src/internal/multi-similarity-terms.js';

type M = number[][];

// Per-anchor multi-similarity losses from the paper's formula as float64 loops (with PML's orientation
// for a distance: exponents α(d − λ), β(λ − d)), the ε-mining step on t = s or −d.
function msRows(m: M, pos: M, neg: M, o: MultiSimilarityTerms): number[] {
  const orient = o.isInverted ? 1 : -1;
  return m.map((row, i) => {
    const t = row.map((v) => orient * v);
    const minPos = Math.min(...t.filter((_, j) => pos[i]![j]));
    const maxNeg = Math.max(...t.filter((_, j) => neg[i]![j]));
    let sp = 0;
    let sn = 0;
    row.forEach((v, j) => {
      if (pos[i]![j] && (!o.mining || t[j]! - o.epsilon < maxNeg))
        sp += Math.exp(o.alpha * orient * (o.base - v));
      if (neg[i]![j] && (!o.mining || t[j]! + o.epsilon > minPos))
        sn += Math.exp(o.beta * orient * (v - o.base));
    });
    return Math.log1p(sp) / o.alpha + Math.log1p(sn) / o.beta;
  });
}

function masks(rows: number, cols: number, seed: number) {
  const random = seededRandom(seed);
  const pos: M = [];
  const neg: M = [];
  for (let i = 0; i < rows; i++) {
    const r = Array.from({ length: cols }, () => random());
    pos.push(r.map((v) => (v < 0.3 ? 1 : 0)));
    neg.push(r.map((v) => (v >= 0.3 && v < 0.9 ? 1 : 0)));
  }
  // An anchor without positives and one without negatives.
  pos[0] = pos[0]!.map(() => 0);
  neg[1] = neg[1]!.map(() => 0);
  return { pos, neg };
}

const TERMS: MultiSimilarityTerms[] = [
  { alpha: 2, beta: 50, base: 0.5, mining: true, epsilon: 0.1, isInverted: true },
  { alpha: 2, beta: 10, base: 0.5, mining: false, epsilon: 0.1, isInverted: true },
  { alpha: 1, beta: 4, base: 1, mining: true, epsilon: 0.3, isInverted: false },
];

describe('multi-similarity terms: host pass (closed-form gradient) = device ops = loops', () => {
  for (const [k, terms] of TERMS.entries()) {
    it(`values and gradients, ${JSON.stringify(terms)}`, () => {
      const m = (randomNormal([6, 8], 60 + k) as M).map((r) => r.map((v) => v * 0.5));
      const { pos, neg } = masks(6, 8, 80 + k);
      const [p, n] = [tf.tensor(pos), tf.tensor(neg)];
      const expected = msRows(m, pos, neg, terms);
      const host = (t: tf.Tensor) => hostMultiSimilarity(t, p, n, terms)!;
      const device = (t: tf.Tensor) => deviceMultiSimilarity(t, p, n, terms);
      expectClose(host(tf.tensor(m)), expected, { atol: 1e-5, rtol: 1e-4 });
      expectClose(device(tf.tensor(m)), expected, { atol: 1e-5, rtol: 1e-4 });
      // A weighted sum of the rows, so every row's gradient is checked with its own upstream value.
      const w = tf.tensor1d([1, 2, 3, 0.5, 1.5, 1]);
      const weighted = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t), w));
      gradCheck({
        fn: weighted(host),
        reference: (t) =>
          msRows(t as M, pos, neg, terms).reduce((s, v, i) => s + v * [1, 2, 3, 0.5, 1.5, 1][i]!, 0),
        at: [m],
        // The mining step is piecewise constant: keep finite differences away from its jumps.
        epsilon: 1e-4,
      });
      expectClose(tf.grad(weighted(host))(tf.tensor(m)), tf.grad(weighted(device))(tf.tensor(m)), {
        atol: 1e-5,
      });
      const input = tf.tensor(m);
      expectNoLeak(() => tf.grad(weighted(host))(input));
      tf.dispose([p, n, w, input]);
    });
  }
});
