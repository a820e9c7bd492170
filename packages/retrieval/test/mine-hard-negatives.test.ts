import * as tf from '@tensorflow/tfjs';
import { isXentError } from '@xent/core';
import { expectNoLeakAsync, randomNormal, seededRandom } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MineHardNegativesOptions, mineHardNegatives } from '../src/mine-hard-negatives.js';
import { type Matrix, similarities } from './reference.js';

// Brute force in float64: filter, rank, window — the candidates a 'top' miner must return, in order.
function window64(q: Matrix, c: Matrix, positives: number[][], o: MineHardNegativesOptions): number[][] {
  const scores = similarities(q, c);
  const k = o.numNegatives ?? 3;
  const rangeMin = o.rangeMin ?? 0;
  const filtered = o.maxScore !== undefined || o.margin !== undefined || o.relativeMargin !== undefined;
  const rangeMax = o.rangeMax ?? rangeMin + k * (filtered || (o.strategy ?? 'top') !== 'top' ? 10 : 1);
  return scores.map((row, i) => {
    const pos = positives[i]!.map((j) => row[j]!);
    const sPos = pos.length ? Math.min(...pos) : Number.NaN;
    const kept = row
      .map((s, j) => ({ s, j }))
      .filter(({ s, j }) => {
        if (positives[i]!.includes(j)) return false;
        if (o.maxScore !== undefined && s > o.maxScore) return false;
        if (!Number.isNaN(sPos) && o.margin !== undefined && s + o.margin > sPos) return false;
        if (!Number.isNaN(sPos) && o.relativeMargin !== undefined && s > sPos * (1 - o.relativeMargin))
          return false;
        return true;
      })
      .sort((a, b) => b.s - a.s || a.j - b.j);
    return kept.slice(rangeMin, rangeMax).map(({ j }) => j);
  });
}

async function rejects(promise: Promise<unknown>, code: string, argument?: string) {
  try {
    await promise;
  } catch (error) {
    expect(isXentError(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    if (argument) expect((error as { argument: string }).argument).toBe(argument);
    return;
  }
  throw new Error(`expected ${code}`);
}

const arbitraryCase = fc.record({
  seed: fc.integer({ min: 1, max: 100_000 }),
  queries: fc.integer({ min: 1, max: 4 }),
  corpus: fc.integer({ min: 3, max: 25 }),
  numNegatives: fc.integer({ min: 1, max: 4 }),
  rangeMin: fc.integer({ min: 0, max: 2 }),
  extraRange: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  maxScore: fc.option(fc.double({ min: -0.5, max: 1, noNaN: true }), { nil: undefined }),
  margin: fc.option(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { nil: undefined }),
  relativeMargin: fc.option(fc.double({ min: 0, max: 0.5, noNaN: true }), { nil: undefined }),
  blockSize: fc.integer({ min: 1, max: 30 }),
});

function build(c: Parameters<Parameters<typeof arbitraryCase.map>[0]>[0]) {
  const q = randomNormal([c.queries, 3], c.seed) as Matrix;
  const corpus = randomNormal([c.corpus, 3], c.seed + 1) as Matrix;
  const next = seededRandom(c.seed + 2);
  const positives = q.map(() => Array.from({ length: c.corpus }, (_, j) => j).filter(() => next() < 0.25));
  const options: MineHardNegativesOptions = {
    numNegatives: c.numNegatives,
    rangeMin: c.rangeMin,
    ...(c.extraRange === undefined ? {} : { rangeMax: c.rangeMin + c.extraRange }),
    ...(c.maxScore === undefined ? {} : { maxScore: c.maxScore }),
    ...(c.margin === undefined ? {} : { margin: c.margin }),
    ...(c.relativeMargin === undefined ? {} : { relativeMargin: c.relativeMargin }),
    blockSize: c.blockSize,
  };
  return { q, corpus, positives, options };
}

describeBackends(['cpu', 'wasm'], () => {
  describe('mineHardNegatives', () => {
    it("'top' returns the brute-force window's best, for every filter and block size (property)", async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryCase, async (c) => {
          const { q, corpus, positives, options } = build(c);
          const { indices, scores } = await mineHardNegatives(q, corpus, positives, options);
          const expected = window64(q, corpus, positives, options).map((w) => w.slice(0, c.numNegatives));
          // Float32 vs float64 scores may swap near-ties; compare as sets plus a tolerance on scores.
          indices.forEach((row, i) => {
            expect(row.length).toBe(expected[i]!.length);
            for (const j of row) expect(positives[i]).not.toContain(j);
            const s = scores[i]!;
            for (let k = 1; k < s.length; k++) expect(s[k - 1]!).toBeGreaterThanOrEqual(s[k]!);
          });
          const same = indices.every((row, i) => row.join() === expected[i]!.join());
          if (!same) {
            // Allow only float32 near-ties: the returned scores match the expected ones within 1e-5.
            const ref = similarities(q, corpus);
            indices.forEach((row, i) => {
              row.forEach((j, k) => {
                expect(Math.abs(ref[i]![j]! - ref[i]![expected[i]![k]!]!)).toBeLessThan(1e-5);
              });
            });
          }
        }),
        { numRuns: 40 },
      );
    });
    it("'random' and 'simans' sample distinct window members, never a positive, reproducibly (property)", async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryCase, fc.constantFrom('random', 'simans'), async (c, strategy) => {
          const { q, corpus, positives, options } = build(c);
          const o = { ...options, strategy, seed: c.seed, a: 2, b: -0.2 } as MineHardNegativesOptions;
          const first = await mineHardNegatives(q, corpus, positives, o);
          const again = await mineHardNegatives(q, corpus, positives, o);
          expect(again.indices).toEqual(first.indices);
          const windows = window64(q, corpus, positives, o);
          first.indices.forEach((row, i) => {
            expect(new Set(row).size).toBe(row.length);
            expect(row.length).toBe(Math.min(c.numNegatives, windows[i]!.length));
            for (const j of row) {
              expect(positives[i]).not.toContain(j);
              expect(windows[i]).toContain(j);
            }
          });
        }),
        { numRuns: 30 },
      );
    });
    it('filters against the lowest positive score of each query, however many positives it has', async () => {
      // Query [1, 0]; corpus scores (cosine) 1, 0.9, 0.8, 0.5, 0.3 for items 0..4.
      const angle = (s: number) => [s, Math.sqrt(1 - s * s)];
      const corpus = [1, 0.9, 0.8, 0.5, 0.3].map(angle);
      const queries = [
        [1, 0],
        [1, 0],
      ];
      const positives = [[0], [0, 3]];
      const { indices } = await mineHardNegatives(queries, corpus, positives, {
        numNegatives: 5,
        relativeMargin: 0.05,
      });
      // Query 0: s⁺ = 1 → keep s ≤ 0.95: items 1, 2, 3, 4. Query 1: s⁺ = min(1, 0.5) = 0.5 → keep s ≤ 0.475: item 4.
      expect(indices).toEqual([[1, 2, 3, 4], [4]]);
      const margin = await mineHardNegatives(queries, corpus, positives, {
        numNegatives: 5,
        margin: 0.15,
        maxScore: 0.85,
      });
      expect(margin.indices).toEqual([[2, 3, 4], [4]]);
    });
    it('rejects bad arguments', async () => {
      const q = [[1, 0]];
      const c = [
        [1, 0],
        [0, 1],
      ];
      await rejects(mineHardNegatives(q, c, [[0], [1]]), 'SHAPE_MISMATCH', 'positives');
      await rejects(mineHardNegatives(q, c, [[2]]), 'LABEL_OUT_OF_RANGE', 'positives');
      await rejects(mineHardNegatives(q, [[1, 0, 0]], [[0]]), 'SHAPE_MISMATCH', 'corpusEmb');
      await rejects(
        mineHardNegatives(q, c, [[0]], { numNegatives: 0 }),
        'INVALID_OPTION',
        'options.numNegatives',
      );
      await rejects(
        mineHardNegatives(q, c, [[0]], { rangeMin: 3, rangeMax: 2 }),
        'INVALID_OPTION',
        'options.rangeMax',
      );
      await rejects(
        mineHardNegatives(q, c, [[0]], { strategy: 'best' as 'top' }),
        'INVALID_OPTION',
        'options.strategy',
      );
      await rejects(
        mineHardNegatives(q, c, [[0]], { numNegative: 1 } as never),
        'INVALID_OPTION',
        'options.numNegative',
      );
      await rejects(mineHardNegatives([], c, []), 'SHAPE_MISMATCH', 'queryEmb');
    });
    it('does not leak', async () => {
      const q = tf.tensor(randomNormal([3, 4], 5) as Matrix);
      const c = tf.tensor(randomNormal([20, 4], 6) as Matrix);
      await expectNoLeakAsync(() =>
        mineHardNegatives(q, c, [[1], [2, 3], []], { blockSize: 7, strategy: 'simans' }),
      );
      tf.dispose([q, c]);
    });
  });
});

describeBackends(['webgpu'], () => {
  it('mines on WebGPU (asynchronous reads) like on the cpu', async () => {
    const q = randomNormal([2, 3], 9) as Matrix;
    const c = randomNormal([9, 3], 10) as Matrix;
    const { indices } = await mineHardNegatives(q, c, [[0], [1, 2]], { numNegatives: 2, blockSize: 4 });
    expect(indices).toEqual(window64(q, c, [[0], [1, 2]], { numNegatives: 2 }).map((w) => w.slice(0, 2)));
  });
});
