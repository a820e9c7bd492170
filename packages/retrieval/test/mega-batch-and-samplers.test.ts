import { readFileSync } from 'node:fs';
import '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupByLabelBatches, noDuplicatesBatches } from '../src/batch-samplers.js';
import { megaBatchMarginLoss } from '../src/mega-batch-margin-loss.js';
import { cosine, type Matrix } from './reference.js';

// max(0, m⁺ − cos(a_i, p_i)) + max(0, max_{j≠i} cos(a_i, p_j) − m⁻), with loops.
function megaBatch64(
  a: Matrix,
  p: Matrix,
  o: { positiveMargin?: number; negativeMargin?: number } = {},
): number[] {
  const mPos = o.positiveMargin ?? 0.8;
  const mNeg = o.negativeMargin ?? 0.3;
  return a.map((ai, i) => {
    let hardest = Number.NEGATIVE_INFINITY;
    p.forEach((pj, j) => {
      if (j !== i) hardest = Math.max(hardest, cosine(ai, pj));
    });
    return Math.max(0, mPos - cosine(ai, p[i]!)) + Math.max(0, hardest - mNeg);
  });
}

const a = randomNormal([5, 4], 71) as Matrix;
const p = (randomNormal([5, 4], 72) as Matrix).map((r, i) => r.map((v, k) => 0.5 * v + a[i]![k]!));

runLossConformance(
  megaBatchMarginLoss,
  [
    { name: 'defaults', inputs: [a, p], reference: ([x, y]) => megaBatch64(x as Matrix, y as Matrix) },
    {
      name: 'margins 0.95 / −0.1',
      inputs: [a, p],
      options: { positiveMargin: 0.95, negativeMargin: -0.1 },
      reference: ([x, y], o) => megaBatch64(x as Matrix, y as Matrix, o),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

interface StMega {
  anchors: Matrix;
  positives: Matrix;
  cases: { config: { positiveMargin?: number; negativeMargin?: number }; value: number }[];
}
const st = JSON.parse(
  readFileSync(new URL('./fixtures/st-mega-batch.json', import.meta.url), 'utf8'),
) as StMega;

describeBackends(['cpu', 'wasm'], () => {
  describe('megaBatchMarginLoss', () => {
    it('matches sentence-transformers 6 MegaBatchMarginLoss (fixtures)', () => {
      for (const { config, value } of st.cases) {
        expectClose(megaBatchMarginLoss(st.anchors, st.positives, config), value, { rtol: 1e-5 });
      }
    });
    it('one pair keeps only the positive hinge; does not leak; rejects a bad margin', () => {
      expectClose(megaBatchMarginLoss([a[0]!], [p[0]!]), Math.max(0, 0.8 - cosine(a[0]!, p[0]!)));
      expectNoLeak(() => megaBatchMarginLoss(a, p));
      expectXentError(() => megaBatchMarginLoss(a, p, { positiveMargin: 'x' as never }), 'INVALID_OPTION', {
        argument: 'options.positiveMargin',
      });
    });
  });
});

describe('noDuplicatesBatches', () => {
  it('never puts an id twice in a batch, covers every row once, and is deterministic for a seed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 2 }), {
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer(),
        (ids, batchSize, seed) => {
          const batches = noDuplicatesBatches(ids, batchSize, { seed });
          expect(noDuplicatesBatches(ids, batchSize, { seed })).toEqual(batches);
          expect(batches.flat().sort((x, y) => x - y)).toEqual(ids.map((_, i) => i));
          for (const batch of batches) {
            expect(batch.length).toBeLessThanOrEqual(batchSize);
            const keys = batch.flatMap((i) => [...new Set(ids[i]!)]);
            expect(new Set(keys).size).toBe(keys.length);
          }
          for (const batch of noDuplicatesBatches(ids, batchSize, { seed, dropLast: true })) {
            expect(batch.length).toBe(batchSize);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
  it('handles text ids, all-duplicates and empty input; other seeds reorder', () => {
    expect(noDuplicatesBatches(['a', 'a', 'a'], 2)).toHaveLength(3);
    expect(noDuplicatesBatches([], 4)).toEqual([]);
    const ids = Array.from({ length: 20 }, (_, i) => `t${i}`);
    expect(noDuplicatesBatches(ids, 5, { seed: 1 })).not.toEqual(noDuplicatesBatches(ids, 5, { seed: 2 }));
    expectXentError(() => noDuplicatesBatches(ids, 0), 'INVALID_OPTION', { argument: 'options.batchSize' });
  });
});

describe('groupByLabelBatches', () => {
  it('gives every label in a batch at least two rows, deterministically for a seed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 8, maxLength: 60 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer(),
        (labels, half, seed) => {
          const eligible = new Set(labels.filter((l) => labels.filter((m) => m === l).length >= 2));
          if (eligible.size < 2) return;
          const batches = groupByLabelBatches(labels, 2 * half, { seed });
          expect(groupByLabelBatches(labels, 2 * half, { seed })).toEqual(batches);
          const seen = batches.flat();
          expect(new Set(seen).size).toBe(seen.length);
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThanOrEqual(4);
            expect(batch.length).toBeLessThanOrEqual(2 * half);
            const counts = new Map<number, number>();
            for (const i of batch) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
            for (const count of counts.values()) expect(count).toBeGreaterThanOrEqual(2);
          }
          // Every emitted pair comes from one label: rows are taken two at a time.
          for (const batch of batches.slice(0, -1)) {
            for (let k = 0; k + 1 < batch.length; k += 2)
              expect(labels[batch[k]!]).toBe(labels[batch[k + 1]!]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
  it('rejects an odd or too-small batch size and a single usable label', () => {
    expectXentError(() => groupByLabelBatches([0, 0, 1, 1], 5), 'INVALID_OPTION', {
      argument: 'options.batchSize',
    });
    expectXentError(() => groupByLabelBatches([0, 0, 1, 1], 2), 'INVALID_OPTION', {
      argument: 'options.batchSize',
    });
    expectXentError(() => groupByLabelBatches([0, 0, 0, 1], 4), 'INVALID_OPTION', {
      argument: 'options.labels',
    });
    expect(groupByLabelBatches([0, 0, 1, 1, 2], 4)).toEqual([expect.any(Array)]);
  });
});
