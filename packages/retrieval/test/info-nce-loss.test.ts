import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { infoNceLoss } from '../src/info-nce-loss.js';
import { cosine, logSumExp, type Matrix, mean, similarities } from './reference.js';

function infoNce64(
  q: Matrix,
  d: Matrix,
  o: { scale?: number; symmetric?: boolean; hard?: Matrix; dot?: boolean },
): number[] {
  const scale = o.scale ?? 20;
  const kind = o.dot ? 'dot' : 'cosine';
  const forward = similarities(q, [...d, ...(o.hard ?? [])], kind).map((row, i) => {
    const logits = row.map((s) => s * scale);
    return logSumExp(logits) - logits[i]!;
  });
  if (!o.symmetric) return forward;
  const backward = similarities(d, q, kind).map((row, i) => {
    const logits = row.map((s) => s * scale);
    return logSumExp(logits) - logits[i]!;
  });
  return forward.map((f, i) => (f + backward[i]!) / 2);
}

const q = randomNormal([4, 3], 1) as Matrix;
const d = randomNormal([4, 3], 2) as Matrix;
const hard = randomNormal([2, 3], 3) as Matrix;

runLossConformance(
  infoNceLoss,
  [
    {
      name: 'cosine, scale 5',
      inputs: [q, d],
      options: { scale: 5 },
      reference: ([a, b], o) => infoNce64(a as Matrix, b as Matrix, o as never),
    },
    {
      name: 'symmetric dot',
      inputs: [q, d],
      options: { scale: 1, symmetric: true, similarity: 'dot' },
      reference: ([a, b]) => infoNce64(a as Matrix, b as Matrix, { scale: 1, symmetric: true, dot: true }),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describeBackends(['cpu', 'wasm'], () => {
  describe('infoNceLoss', () => {
    it('appends hard negatives to every query', () => {
      const got = infoNceLoss(q, d, { scale: 5, hardNegatives: hard, reduction: 'none' });
      expectClose(got, infoNce64(q, d, { scale: 5, hard }));
    });
    it('is the cross-entropy with in-batch negatives: log N at zero similarity (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 1000 }), (n, seed) => {
          const x = randomNormal([n, 3], seed) as Matrix;
          const value = tf.tidy(() => infoNceLoss(x, x, { scale: 1e-6 }).dataSync()[0]!);
          expect(Math.abs(value - Math.log(n))).toBeLessThan(1e-4);
        }),
        { numRuns: 20 },
      );
    });
    it('takes the sparse cross-entropy shortcut with the same values and gradients as the masked path', () => {
      // An identity positiveMask says nothing new but forces the general, masked formulation.
      const x = tf.tensor2d(randomNormal([6, 5], 7) as Matrix);
      const y = tf.tensor2d(randomNormal([6, 5], 8) as Matrix);
      const pool = randomNormal([3, 5], 9) as Matrix;
      // A zero query (its norm clamped at ε) goes through the same shortcut.
      const xZero = tf.concat([tf.zeros([1, 5]), tf.slice(x, [1, 0], [5, 5])]);
      const perQuery = tf.reshape(tf.tensor2d(randomNormal([18, 5], 10) as Matrix), [6, 3, 5]);
      const settings = [
        {},
        { similarity: 'dot' as const, scale: 0.5 },
        { hardNegatives: pool },
        { hardNegatives: perQuery, reduction: 'sum' as const },
        { symmetric: true },
        { directions: ['query_to_doc', 'doc_to_query'] as const, partitionMode: 'per_direction' as const },
      ];
      for (const options of settings) {
        const c = 6 + (options.hardNegatives === undefined ? 0 : options.hardNegatives === pool ? 3 : 18);
        const eye = tf.pad(tf.eye(6), [
          [0, 0],
          [0, c - 6],
        ]);
        const run = (extra: object) =>
          tf.valueAndGrads(
            (a: tf.Tensor, b: tf.Tensor) =>
              infoNceLoss(a, b, { reduction: 'none', ...options, ...extra }).sum() as tf.Scalar,
          )([options === settings[0] ? xZero : x, y]);
        const fast = run({});
        const masked = run({ positiveMask: eye });
        // float32 rounding only: logits up to 20 have an ulp of 1.9e-6.
        const tolerance = { atol: 1e-5, rtol: 1e-5 };
        expectClose(fast.value, masked.value, tolerance);
        expectClose(fast.grads[0]!, masked.grads[0]!, tolerance);
        expectClose(fast.grads[1]!, masked.grads[1]!, tolerance);
        tf.dispose([fast.value, ...fast.grads, masked.value, ...masked.grads, eye]);
      }
      tf.dispose([x, y, perQuery, xZero]);
    });
    it('rejects bad hard negatives', () => {
      expectXentError(() => infoNceLoss(q, d, { hardNegatives: [[1, 2]] }), 'INVALID_OPTION', {
        argument: 'options.hardNegatives',
      });
      expectXentError(() => infoNceLoss(q, d, { hardNegatives: [[1, 2, Number.NaN]] }), 'NON_FINITE_INPUT');
      expectXentError(() => infoNceLoss(q, d, { scale: 0 }), 'INVALID_OPTION', { argument: 'options.scale' });
      expectXentError(() => infoNceLoss(q, d.slice(1)), 'SHAPE_MISMATCH', { argument: 'docs' });
    });
    it('does not leak', () => {
      expectNoLeak(() => infoNceLoss(q, d, { hardNegatives: hard, symmetric: true }));
    });
  });
});

// ---- sentence-transformers 6 semantics and duplicate-aware negatives ----

type Tensor3 = number[][][];
interface General {
  scale?: number;
  hardNegatives?: Tensor3 | Matrix;
  directions?: string[];
  partitionMode?: 'joint' | 'per_direction';
  symmetric?: boolean;
  hardnessMode?: string;
  hardnessStrength?: number;
  positiveMask?: Matrix;
  queryIds?: (string | number)[];
  docIds?: (string | number)[];
  duplicates?: 'mask' | 'positive';
  /** Where the (stop-gradient) hardness similarities are evaluated: [queries, docs]; default the inputs. */
  penaltyAt?: [Matrix, Matrix];
}

// The formula with loops: query i's softmax rows, every entry listed with whether it is in the numerator.
function infoNceGeneral64(q: Matrix, d: Matrix, o: General): number[] {
  const scale = o.scale ?? 20;
  const n = q.length;
  const directions = o.symmetric ? ['query_to_doc', 'doc_to_query'] : (o.directions ?? ['query_to_doc']);
  const partition = o.symmetric ? 'per_direction' : (o.partitionMode ?? 'joint');
  const candidates: Matrix = [...d];
  const owner: (number | 'pool')[] = d.map((_, j) => j);
  const hardColumn: boolean[] = d.map(() => false);
  if (o.hardNegatives !== undefined && Array.isArray((o.hardNegatives as Tensor3)[0]![0])) {
    const perQuery = o.hardNegatives as Tensor3;
    for (let k = 0; k < perQuery[0]!.length; k++) {
      for (let j = 0; j < n; j++) {
        candidates.push(perQuery[j]![k]!);
        owner.push(j);
        hardColumn.push(true);
      }
    }
  } else if (o.hardNegatives !== undefined) {
    for (const row of o.hardNegatives as Matrix) {
      candidates.push(row);
      owner.push('pool');
      hardColumn.push(true);
    }
  }
  const rel = (i: number, c: number) =>
    c === i ||
    o.positiveMask?.[i]?.[c] === 1 ||
    (c < n && o.queryIds !== undefined && o.queryIds[i] === o.queryIds[c]) ||
    (c < n && o.docIds !== undefined && o.docIds[i] === o.docIds[c]);
  const positive = o.duplicates === 'positive';
  const alpha = o.hardnessStrength ?? 0;
  return q.map((qi, i) => {
    const rows: { logit: number; num: boolean }[][] = [];
    const qd: { logit: number; num: boolean }[] = [];
    candidates.forEach((c, j) => {
      const s = cosine(qi, c);
      let logit = scale * s;
      const [pq, pd] = o.penaltyAt ?? [q, d];
      const frozen = cosine(pq[i]!, j < n ? pd[j]! : c);
      const ownsIt = owner[j] === i;
      const penalised =
        o.hardnessMode === 'hard_negatives'
          ? hardColumn[j]! && (ownsIt || owner[j] === 'pool')
          : o.hardnessMode === 'all_negatives'
            ? j !== i
            : o.hardnessMode === 'in_batch_negatives'
              ? !ownsIt && !(hardColumn[j] && owner[j] === 'pool')
              : false;
      if (penalised && alpha > 0 && !rel(i, j)) logit += alpha * frozen;
      if (rel(i, j) && j !== i && !positive) return;
      qd.push({ logit, num: positive ? rel(i, j) : j === i });
    });
    rows.push(qd);
    if (directions.includes('doc_to_query')) {
      const dq: { logit: number; num: boolean }[] = [];
      q.forEach((qj, j) => {
        if (rel(j, i) && j !== i && !positive) return;
        dq.push({ logit: scale * cosine(d[i]!, qj), num: positive ? rel(j, i) : j === i });
      });
      rows.push(dq);
    }
    if (directions.includes('query_to_query')) {
      rows.push(
        q
          .filter((_, j) => !rel(i, j) && !rel(j, i))
          .map((qj) => ({ logit: scale * cosine(qi, qj), num: false })),
      );
    }
    if (directions.includes('doc_to_doc')) {
      rows.push(
        candidates
          .filter((_, c) => owner[c] !== i && !rel(i, c) && !(c < n && rel(c, i)))
          .map((c) => ({ logit: scale * cosine(d[i]!, c), num: false })),
      );
    }
    const lse = (entries: { logit: number }[]) => logSumExp(entries.map((e) => e.logit));
    const numerator = lse(qd.filter((e) => e.num));
    if (partition === 'joint') return lse(rows.flat()) - numerator;
    const terms = rows.map((r, k) => lse(r) - (k === 0 ? numerator : lse(r.filter((e) => e.num))));
    return terms.reduce((a, b) => a + b, 0) / terms.length;
  });
}

// A batch with duplicates: doc 3 is doc 1 again (as embedded), query 2 asks what query 0 asks.
const qDup = randomNormal([5, 4], 21) as Matrix;
const dDup = randomNormal([5, 4], 22) as Matrix;
dDup[3] = [...dDup[1]!];
const dupIds = ['a', 'b', 'c', 'b', 'e'];
const hardPerQuery = randomNormal([5, 2, 4], 23) as Tensor3;

runLossConformance(
  infoNceLoss,
  [
    {
      name: "docIds, duplicates 'mask', all four directions",
      inputs: [qDup, dDup],
      options: {
        scale: 3,
        docIds: dupIds,
        directions: ['query_to_doc', 'doc_to_query', 'query_to_query', 'doc_to_doc'],
      },
      reference: ([a, b], o) => infoNceGeneral64(a as Matrix, b as Matrix, o as General),
    },
    {
      name: "queryIds and positiveMask, duplicates 'positive', per_direction",
      inputs: [qDup, dDup],
      options: {
        scale: 4,
        queryIds: [0, 1, 0, 3, 4],
        positiveMask: [
          [1, 0, 0, 0, 0],
          [0, 1, 0, 1, 0],
          [0, 0, 1, 0, 0],
          [0, 0, 0, 1, 0],
          [0, 0, 0, 0, 1],
        ],
        duplicates: 'positive',
        directions: ['query_to_doc', 'doc_to_query'],
        partitionMode: 'per_direction',
      },
      reference: ([a, b], o) => infoNceGeneral64(a as Matrix, b as Matrix, o as General),
    },
    {
      name: 'per-query hard negatives, hardness on in-batch negatives, a relevant hard negative',
      inputs: [qDup, dDup],
      options: {
        scale: 5,
        hardNegatives: hardPerQuery,
        hardnessMode: 'in_batch_negatives',
        hardnessStrength: 0.7,
        positiveMask: Array.from({ length: 5 }, (_, i) =>
          Array.from({ length: 15 }, (_, c) => (c === i || (i === 0 && c === 5) ? 1 : 0)),
        ),
        directions: ['query_to_doc', 'doc_to_doc'],
      },
      // The penalty is α·sg(sim): constant under finite differences, evaluated at the test point.
      reference: ([a, b], o) =>
        infoNceGeneral64(a as Matrix, b as Matrix, { ...(o as General), penaltyAt: [qDup, dDup] }),
    },
  ],
  { backends: ['cpu', 'wasm'] },
);

interface StMnrl {
  queries: Matrix;
  docs: Matrix;
  hardNegatives: Tensor3;
  cases: { config: General & { hard?: boolean }; value: number }[];
}
// Values computed by sentence-transformers 6 itself (test/peers/st_mnrl.py, float64).
const stMnrl = JSON.parse(
  readFileSync(new URL('./fixtures/st-mnrl.json', import.meta.url), 'utf8'),
) as StMnrl;

describeBackends(['cpu', 'wasm'], () => {
  describe('infoNceLoss: sentence-transformers 6 semantics', () => {
    it('matches MultipleNegativesRankingLoss for every direction, partition and hardness mode (fixtures)', () => {
      for (const { config, value } of stMnrl.cases) {
        const { hard, ...options } = config;
        const call = { ...options, ...(hard ? { hardNegatives: stMnrl.hardNegatives } : {}) };
        expectClose(infoNceLoss(stMnrl.queries, stMnrl.docs, call as never), value, {
          rtol: 1e-5,
          message: JSON.stringify(config),
        });
        expect(
          Math.abs(mean(infoNceGeneral64(stMnrl.queries, stMnrl.docs, call as General)) - value),
        ).toBeLessThan(1e-9);
      }
    });
    it('keeps the default: symmetric is directions [query_to_doc, doc_to_query] per direction', () => {
      const a = infoNceLoss(q, d, { symmetric: true, reduction: 'none' });
      const b = infoNceLoss(q, d, {
        directions: ['query_to_doc', 'doc_to_query'],
        partitionMode: 'per_direction',
        reduction: 'none',
      });
      expectClose(a, b, { atol: 1e-6 });
      expectClose(infoNceLoss(q, d, { hardnessMode: 'all_negatives' }), infoNceLoss(q, d), { atol: 1e-7 });
      tf.dispose([a, b]);
    });
    it('never counts a duplicate as a negative: masked, query i sees the batch without the duplicate', () => {
      const got = tf.tidy(() =>
        infoNceLoss(qDup, dDup, { docIds: dupIds, scale: 3, reduction: 'none' }).arraySync(),
      );
      const without = infoNce64(qDup.slice(0, 3), dDup.slice(0, 3), { scale: 3 });
      const withoutDup = [...qDup.slice(0, 3), qDup[4]!];
      const docsWithoutDup = [...dDup.slice(0, 3), dDup[4]!];
      expectClose((got as number[])[1]!, infoNce64(withoutDup, docsWithoutDup, { scale: 3 })[1]!);
      expect(without.length).toBe(3);
      // The plain loss does count it: a larger loss for query 1.
      const plain = tf.tidy(() =>
        infoNceLoss(qDup, dDup, { scale: 3, reduction: 'none' }).arraySync(),
      ) as number[];
      expect(plain[1]!).toBeGreaterThan((got as number[])[1]!);
    });
    it('gives 0 when every document is a duplicate (mask) and a single-pair loss of log 1 (positive)', () => {
      const same = [dDup[0]!, dDup[0]!, dDup[0]!];
      const ids = [7, 7, 7];
      expect(tf.tidy(() => infoNceLoss(qDup.slice(0, 3), same, { docIds: ids }).dataSync()[0]!)).toBe(0);
      const positive = tf.tidy(
        () => infoNceLoss(qDup.slice(0, 3), same, { docIds: ids, duplicates: 'positive' }).dataSync()[0]!,
      );
      expect(Math.abs(positive)).toBeLessThan(1e-6);
      expect(tf.tidy(() => infoNceLoss([qDup[0]!], [dDup[0]!]).dataSync()[0]!)).toBe(0);
    });
    it('rejects bad ST options and relevance inputs with their codes', () => {
      expectXentError(() => infoNceLoss(q, d, { directions: ['doc_to_query'] }), 'INVALID_OPTION', {
        argument: 'options.directions',
      });
      expectXentError(
        () => infoNceLoss(q, d, { directions: ['query_to_doc', 'sideways' as never] }),
        'INVALID_OPTION',
        {
          argument: 'options.directions',
        },
      );
      expectXentError(
        () =>
          infoNceLoss(q, d, {
            directions: ['query_to_doc', 'query_to_query'],
            partitionMode: 'per_direction',
          }),
        'INVALID_OPTION',
        { argument: 'options.partitionMode' },
      );
      expectXentError(
        () => infoNceLoss(q, d, { symmetric: true, directions: ['query_to_doc'] }),
        'INVALID_OPTION',
        {
          argument: 'options.symmetric',
        },
      );
      expectXentError(() => infoNceLoss(q, d, { hardnessMode: 'soft' as never }), 'INVALID_OPTION', {
        argument: 'options.hardnessMode',
      });
      expectXentError(() => infoNceLoss(q, d, { hardnessStrength: -1 }), 'INVALID_OPTION', {
        argument: 'options.hardnessStrength',
      });
      expectXentError(() => infoNceLoss(q, d, { docIds: [1, 2, 3] }), 'SHAPE_MISMATCH', {
        argument: 'options.docIds',
      });
      expectXentError(() => infoNceLoss(q, d, { positiveMask: [[1, 0, 0, 0]] }), 'SHAPE_MISMATCH', {
        argument: 'options.positiveMask',
      });
      const half = q.map((_, i) => q.map((__, j) => (i === j ? 1 : 0.5)));
      expectXentError(() => infoNceLoss(q, d, { positiveMask: half }), 'LABEL_OUT_OF_RANGE', {
        argument: 'options.positiveMask',
      });
      expectXentError(
        () => infoNceLoss(q, d, { hardNegatives: randomNormal([3, 2, 3], 1) }),
        'INVALID_OPTION',
        {
          argument: 'options.hardNegatives',
        },
      );
    });
    it('does not leak with every option on', () => {
      const queryIds = tf.tensor1d([0, 1, 0, 3, 4], 'int32');
      expectNoLeak(() =>
        infoNceLoss(qDup, dDup, {
          docIds: dupIds,
          queryIds,
          hardNegatives: hardPerQuery,
          hardnessMode: 'all_negatives',
          hardnessStrength: 1,
          directions: ['query_to_doc', 'doc_to_query', 'query_to_query', 'doc_to_doc'],
          duplicates: 'positive',
        }),
      );
      queryIds.dispose();
    });
  });
});
