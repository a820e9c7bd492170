import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, gradCheck, randomNormal, seededRandom } from '@xent/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AllTripletSpec, blockedAllTriplets } from '../src/internal/all-triplets.js';
import { sortedAllTriplets } from '../src/internal/sorted-triplets.js';

// The all-triplet reduction from its definition, as float64 loops: every (a, p, n) with pos[a][p] and
// neg[a][n], ℓ = [sign·(M[a][p] − M[a][n]) + margin]₊, kept when low < ℓ < high; Σ kept ℓ / max(#kept, 1).
function allTripletRef(
  spec: AllTripletSpec,
  m: readonly (readonly number[])[],
  pos: readonly (readonly number[])[],
  neg: readonly (readonly number[])[],
): number {
  let sum = 0;
  let count = 0;
  for (const [a, row] of m.entries()) {
    for (const [p, map] of row.entries()) {
      if (!pos[a]![p]) continue;
      for (const [n, man] of row.entries()) {
        if (!neg[a]![n]) continue;
        const loss = Math.max(0, spec.sign * (map - man) + spec.margin);
        if (spec.low !== undefined && !(loss > spec.low)) continue;
        if (spec.high !== undefined && !(loss < spec.high)) continue;
        sum += loss;
        count += 1;
      }
    }
  }
  return sum / Math.max(count, 1);
}

const spec = (over: Partial<AllTripletSpec>): AllTripletSpec => ({
  margin: 0.2,
  sign: 1,
  swap: false,
  smooth: false,
  low: undefined,
  high: undefined,
  ...over,
});

/** Random `[rows, cols]` 0/1 masks, positive and negative disjoint (some pairs in neither). */
function masks(rows: number, cols: number, seed: number) {
  const random = seededRandom(seed);
  const pos: number[][] = [];
  const neg: number[][] = [];
  for (let a = 0; a < rows; a++) {
    pos.push([]);
    neg.push([]);
    for (let j = 0; j < cols; j++) {
      const r = random();
      pos[a]!.push(r < 0.3 ? 1 : 0);
      neg[a]!.push(r >= 0.3 && r < 0.85 ? 1 : 0);
    }
  }
  return { pos, neg };
}

const SPECS: readonly Partial<AllTripletSpec>[] = [
  {},
  { low: 0 },
  { low: 0.1, high: 0.5 },
  { low: -0.1 },
  { high: 0.3 },
  { high: 0 },
  { sign: -1, margin: 0.1, low: 0 },
  { sign: -1, margin: 0.4 },
  { margin: 0 },
];

describe('all-triplet reduction: sorted host path (O(B·M·log M)) = blocked device path = loops', () => {
  it('values and gradients on random matrices and masks, every reducer filter, both signs', () => {
    for (const [i, over] of SPECS.entries()) {
      const s = spec(over);
      const m = randomNormal([6, 9], 40 + i) as number[][];
      const { pos, neg } = masks(6, 9, 70 + i);
      const run = (path: typeof sortedAllTriplets) => (t: tf.Tensor) =>
        path(s, t, tf.tensor(pos), tf.tensor(neg))!;
      expectClose(run(sortedAllTriplets)(tf.tensor(m)), allTripletRef(s, m, pos, neg), {
        message: JSON.stringify(over),
      });
      expectClose(run(blockedAllTriplets)(tf.tensor(m)), allTripletRef(s, m, pos, neg));
      gradCheck({
        fn: run(sortedAllTriplets),
        reference: (t) => allTripletRef(s, t as number[][], pos, neg),
        at: [m],
        message: JSON.stringify(over),
      });
      const [sorted, blocked] = [sortedAllTriplets, blockedAllTriplets].map((path) =>
        tf.grad(run(path))(tf.tensor(m)),
      );
      expectClose(sorted!, blocked!);
    }
  });

  it('exact ties (a dyadic grid) and empty rows: the same value as the loops (property)', () => {
    // Multiples of 1/8 are exact in float32 and float64, so t = u and ℓ = low/high ties are real ties.
    const tieSpecs: readonly Partial<AllTripletSpec>[] = [
      { margin: 0.25 },
      { margin: 0.25, low: 0 },
      { margin: 0.25, low: 0.125, high: 0.5 },
      { margin: 0.25, high: 0.375 },
      { sign: -1, margin: 0.125, low: 0 },
      { margin: 0, low: 0 },
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom(...tieSpecs),
        (rows, cols, seed, over) => {
          const s = spec(over);
          const random = seededRandom(seed);
          const m = Array.from({ length: rows }, () =>
            Array.from({ length: cols }, () => Math.round(random() * 8) / 8),
          );
          const { pos, neg } = masks(rows, cols, seed + 1);
          const value = tf.tidy(() =>
            sortedAllTriplets(s, tf.tensor(m), tf.tensor(pos), tf.tensor(neg))!.dataSync(),
          )[0]!;
          const expected = allTripletRef(s, m, pos, neg);
          expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(expected));
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it('nothing valid or nothing kept: 0 with a zero gradient; no leaked tensors', () => {
    const m = tf.tensor(randomNormal([3, 4], 5) as number[][]);
    const none = tf.zeros([3, 4]);
    const pos = tf.tensor(masks(3, 4, 1).pos);
    for (const [p, n, s] of [
      [none, pos, spec({})],
      [pos, none, spec({})],
      [pos, tf.sub(1, pos), spec({ high: 0 })],
    ] as const) {
      const f = (t: tf.Tensor) => sortedAllTriplets(s, t, p, n)!;
      expectClose(f(m), 0);
      expectClose(tf.grad(f)(m), tf.zeros([3, 4]));
    }
    expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => sortedAllTriplets(spec({ low: 0 }), t, pos, tf.sub(1, pos))!)(m),
    );
  });
});
