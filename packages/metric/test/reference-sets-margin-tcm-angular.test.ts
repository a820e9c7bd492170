import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, gradCheck, randomNormal } from '@xent/testing';
import { describe, it } from 'vitest';
import { angularLoss, marginLoss, tcmLoss } from '../src/index.js';
import { dot, euclid, normalize, relu } from './reference.js';

// refEmbeddings / refLabels on marginLoss, tcmLoss and angularLoss: queries (the batch rows) against a
// separate reference set, no self-pair removed. Each reference below is the paper's formula over
// (query, reference) pairs and triplets, written as float64 loops.

type M = number[][];
const queries = randomNormal([5, 4], 91) as M;
const queryLabels = [0, 0, 1, 2, 2];
const reference = randomNormal([7, 4], 92) as M;
const referenceLabels = [0, 1, 1, 2, 0, 3, 2];
const refs = { refEmbeddings: reference, refLabels: referenceLabels };
const same = (i: number, j: number) => queryLabels[i] === referenceLabels[j];

/** Margin loss over every (query a, reference p, reference n) triplet, scalar β, regulariser ν·β. */
function marginRefSet(q: M, r: M, alpha: number, beta: number, nu: number): number {
  const [nq, nr] = [normalize(q), normalize(r)];
  let sum = 0;
  let active = 0;
  let triplets = 0;
  nq.forEach((a, i) => {
    nr.forEach((p, j) => {
      if (!same(i, j)) return;
      nr.forEach((n, k) => {
        if (same(i, k)) return;
        const pos = relu(euclid(a, p) - beta + alpha);
        const neg = relu(beta - euclid(a, n) + alpha);
        sum += pos + neg;
        active += (pos > 0 ? 1 : 0) + (neg > 0 ? 1 : 0);
        triplets += 1;
      });
    });
  });
  return sum / Math.max(active, 1) + (triplets > 0 ? nu * beta : 0);
}

/** TCM over (query, reference) cosine pairs: mean violation of the hard positives and hard negatives. */
function tcmRefSet(q: M, r: M, mPlus: number, mMinus: number): number {
  const [nq, nr] = [normalize(q), normalize(r)];
  const pos: number[] = [];
  const neg: number[] = [];
  nq.forEach((a, i) => {
    nr.forEach((b, j) => {
      const s = dot(a, b);
      if (same(i, j) && s <= mPlus) pos.push(mPlus - s);
      if (!same(i, j) && s >= mMinus) neg.push(s - mMinus);
    });
  });
  const mean = (v: number[]) => (v.length ? v.reduce((t, x) => t + x, 0) / v.length : 0);
  return mean(pos) + mean(neg);
}

/** Angular loss (N-pair form) per (query a, reference p), negatives every other-class reference row; mean. */
function angularRefSet(q: M, r: M, alphaDegrees: number): number {
  const t = Math.tan((alphaDegrees * Math.PI) / 180) ** 2;
  const [nq, nr] = [normalize(q), normalize(r)];
  const losses: number[] = [];
  nq.forEach((a, i) => {
    nr.forEach((p, j) => {
      if (!same(i, j)) return;
      let inner = 0;
      nr.forEach((n, k) => {
        if (same(i, k)) return;
        const ap = a.map((v, d) => v + p[d]!);
        inner += Math.exp(4 * t * dot(ap, n) - 2 * (1 + t) * dot(a, p));
      });
      losses.push(Math.log1p(inner));
    });
  });
  return losses.reduce((s, x) => s + x, 0) / losses.length;
}

describe('refEmbeddings / refLabels on marginLoss, tcmLoss, angularLoss (float64 loops)', () => {
  const cases = [
    [
      'marginLoss',
      (q: tf.Tensor, r: tf.Tensor) => marginLoss(q, queryLabels, { ...refs, refEmbeddings: r, nu: 0.1 }),
      (q: M, r: M) => marginRefSet(q, r, 0.2, 1.2, 0.1),
    ],
    [
      'tcmLoss',
      (q: tf.Tensor, r: tf.Tensor) => tcmLoss(q, queryLabels, { ...refs, refEmbeddings: r, marginMinus: 0 }),
      (q: M, r: M) => tcmRefSet(q, r, 0.9, 0),
    ],
    [
      'angularLoss',
      (q: tf.Tensor, r: tf.Tensor) => angularLoss(q, queryLabels, { ...refs, refEmbeddings: r }),
      (q: M, r: M) => angularRefSet(q, r, 40),
    ],
  ] as const;
  for (const [name, loss, expected] of cases) {
    it(`${name}: value and gradients w.r.t. queries and reference; no leaks`, () => {
      const [q, r] = [tf.tensor(queries), tf.tensor(reference)];
      expectClose(loss(q, r), expected(queries, reference), { atol: 1e-5, rtol: 1e-4 });
      gradCheck({
        fn: (a, b) => loss(a!, b!),
        reference: (a, b) => expected(a as M, b as M),
        at: [queries, reference],
        message: name,
      });
      expectNoLeak(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a, b))([q, r]));
      tf.dispose([q, r]);
    });
  }

  it('the reference set equal to the batch, with a label-equality positiveMask, gives the batch loss', () => {
    // Without a reference the self-pairs are removed; a reference copy keeps them, so compare through
    // positiveMask/negativeMask that exclude the diagonal explicitly.
    const x = randomNormal([6, 3], 93) as M;
    const labels = [0, 0, 1, 1, 2, 2];
    const posMask = labels.map((a, i) => labels.map((b, j) => (a === b && i !== j ? 1 : 0)));
    const negMask = labels.map((a) => labels.map((b) => (a !== b ? 1 : 0)));
    const masks = { refEmbeddings: x, refLabels: labels, positiveMask: posMask, negativeMask: negMask };
    for (const loss of [marginLoss, tcmLoss, angularLoss] as const) {
      const f = loss as (...args: unknown[]) => tf.Tensor;
      expectClose(f(x, labels, masks), f(x, labels), { atol: 1e-5 });
    }
  });

  it('degenerate reference sets: no shared class (0, zero gradient), bad options', () => {
    const disjoint = { refEmbeddings: reference, refLabels: reference.map(() => 9) };
    for (const loss of [marginLoss, angularLoss] as const) {
      const f = (q: tf.Tensor) => (loss as (...args: unknown[]) => tf.Tensor)(q, queryLabels, disjoint);
      expectClose(f(tf.tensor(queries)), 0);
      expectClose(tf.grad(f)(tf.tensor(queries)), tf.zeros([5, 4]));
    }
    for (const loss of [marginLoss, tcmLoss, angularLoss] as const) {
      const f = loss as (...args: unknown[]) => tf.Tensor;
      expectXentError(() => f(queries, queryLabels, { refEmbeddings: reference }), 'INVALID_OPTION', {
        argument: 'options.refLabels',
      });
      expectXentError(() => f(queries, queryLabels, { ...refs, refEmbeddings: [[1, 2]] }), 'SHAPE_MISMATCH', {
        argument: 'options.refEmbeddings',
      });
      expectXentError(() => f(queries, queryLabels, { ...refs, positiveMask: [[1]] }), 'SHAPE_MISMATCH', {
        argument: 'options.positiveMask',
      });
    }
  });
});
