import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import {
  expectClose,
  expectDevicePathAgrees,
  expectNoLeak,
  expectXentError,
  randomNormal,
} from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lambdaLoss } from '../src/lambda-loss.js';
import { listMleLoss } from '../src/list-mle-loss.js';
import { listNetLoss } from '../src/list-net-loss.js';
import { pListMleLoss } from '../src/p-list-mle-loss.js';
import { rankNetLoss } from '../src/rank-net-loss.js';
import { logSumExp, type Matrix, sigmoid } from './reference.js';

const realOf = (row: number[], mask?: number[]) => row.map((_, j) => j).filter((j) => mask?.[j] !== 0);

// ListNet: −Σ softmax(y) log softmax(s) over the real documents.
function listNet64(s: Matrix, y: Matrix, m?: Matrix): number[] {
  return s.map((row, i) => {
    const real = realOf(row, m?.[i]);
    if (real.length === 0) return 0;
    const ly = logSumExp(real.map((j) => y[i]![j]!));
    const ls = logSumExp(real.map((j) => row[j]!));
    return -real.reduce((acc, j) => acc + Math.exp(y[i]![j]! - ly) * (row[j]! - ls), 0);
  });
}

// (p-)ListMLE: the target ranking, then Σ_r λ_r (log Σ_{r' ≥ r} e^{s} − s_r).
function listMle64(
  s: Matrix,
  y: Matrix,
  o: { mask?: Matrix; respectInputOrder?: boolean; positionAware?: boolean },
) {
  return s.map((row, i) => {
    const real = realOf(row, o.mask?.[i]);
    const ranking =
      o.respectInputOrder === false ? [...real].sort((a, b) => y[i]![b]! - y[i]![a]! || a - b) : real;
    const n = ranking.length;
    const lambdas = ranking.map((_, r) => (o.positionAware ? 2 ** (n - r) - 1 : 1));
    const total = lambdas.reduce((a, b) => a + b, 0);
    return ranking.reduce((acc, item, r) => {
      const suffix = logSumExp(ranking.slice(r).map((j) => row[j]!));
      const weight = o.positionAware ? lambdas[r]! / total : 1;
      return acc + weight * (suffix - row[item]!);
    }, 0);
  });
}

interface LambdaOptions {
  weightingScheme?: string;
  k?: number;
  sigma?: number;
  mu?: number;
  reductionLog?: 'natural' | 'binary';
  mask?: Matrix;
  /** Labels the (constant) pairs and gains come from; default the labels given. */
  labelsAt?: Matrix;
}
// LambdaLoss: positions from the model's ranking, NDCG gains/discounts, weighted log σ over ordered pairs.
function lambda64(s: Matrix, given: Matrix, o: LambdaOptions = {}): number {
  // ST feeds labels as data: the gains and pairs are constants of the gradient.
  const y = o.labelsAt ?? given;
  const scheme = o.weightingScheme ?? 'NDCGLoss2PP';
  const sigma = o.sigma ?? 1;
  const mu = o.mu ?? 10;
  let total = 0;
  let pairs = 0;
  s.forEach((row, i) => {
    const real = realOf(row, o.mask?.[i]);
    const k = Math.min(o.k ?? row.length, row.length);
    const byScore = [...real].sort((a, b) => row[b]! - row[a]! || a - b);
    const position = new Map(byScore.map((j, p) => [j, p]));
    const ideal = [...real].sort((a, b) => y[i]![b]! - y[i]![a]!);
    const D = (p: number) => Math.log2(p + 2);
    let maxDcg = 0;
    ideal.slice(0, k).forEach((j, p) => {
      maxDcg += (2 ** Math.max(y[i]![j]!, 0) - 1) / D(p);
    });
    maxDcg = Math.max(maxDcg, 1e-10);
    const G = (j: number) => (2 ** Math.max(y[i]![j]!, 0) - 1) / maxDcg;
    for (const a of real) {
      for (const b of real) {
        const pa = position.get(a)!;
        const pb = position.get(b)!;
        if (pa >= k || pb >= k) continue;
        if (scheme !== 'NDCGLoss1' && !(y[i]![a]! > y[i]![b]!)) continue;
        const delta = Math.abs(pa - pb);
        const ndcg2 =
          delta === 0
            ? 0
            : Math.abs(1 / Math.log2(delta + 1) - 1 / Math.log2(delta + 2)) * Math.abs(G(a) - G(b));
        const lambdaRank = Math.abs(1 / D(pa) - 1 / D(pb)) * Math.abs(G(a) - G(b));
        const w =
          scheme === 'NoWeighting'
            ? 1
            : scheme === 'NDCGLoss1'
              ? G(a) / D(pa)
              : scheme === 'NDCGLoss2'
                ? ndcg2
                : scheme === 'LambdaRank'
                  ? lambdaRank
                  : mu * ndcg2 + lambdaRank;
        const logSigmoid = Math.log(sigmoid(sigma * (row[a]! - row[b]!)));
        total += -w * (o.reductionLog === 'natural' ? logSigmoid : logSigmoid / Math.LN2);
        pairs++;
      }
    }
  });
  return pairs === 0 ? 0 : total / pairs;
}

const logits = randomNormal([3, 5], 51) as Matrix;
// Distinct grades within each list, so finite differences never cross a tie (ties: the ST fixtures).
const labels = [
  [3, 0, 1.5, 2, 0.5],
  [1, 2.5, 0, 0.7, 2],
  [0, 1, 3, 1.2, 2],
];
const ragged = [
  [1, 1, 1, 1, 0],
  [1, 1, 1, 1, 1],
  [1, 0, 1, 1, 0],
];

runLossConformance(
  listNetLoss,
  [
    {
      name: 'full lists',
      inputs: [logits, labels],
      reference: ([s, y]) => listNet64(s as Matrix, y as Matrix),
    },
    {
      name: 'ragged (mask)',
      inputs: [logits, labels],
      options: { mask: ragged },
      reference: ([s, y]) => listNet64(s as Matrix, y as Matrix, ragged),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);
runLossConformance(
  listMleLoss,
  [
    {
      name: 'input order',
      inputs: [logits, labels],
      reference: ([s, y]) => listMle64(s as Matrix, y as Matrix, {}),
    },
    {
      name: 'ranked by label, ragged',
      inputs: [logits, labels],
      options: { respectInputOrder: false, mask: ragged },
      reference: ([s, y]) => listMle64(s as Matrix, y as Matrix, { respectInputOrder: false, mask: ragged }),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);
runLossConformance(
  pListMleLoss,
  [
    {
      name: 'input order',
      inputs: [logits, labels],
      reference: ([s, y]) => listMle64(s as Matrix, y as Matrix, { positionAware: true }),
    },
    {
      name: 'ranked by label, ragged',
      inputs: [logits, labels],
      options: { respectInputOrder: false, mask: ragged },
      reference: ([s, y]) =>
        listMle64(s as Matrix, y as Matrix, { respectInputOrder: false, mask: ragged, positionAware: true }),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);
runLossConformance(
  rankNetLoss,
  [
    {
      name: 'all pairs',
      inputs: [logits, labels],
      reference: ([s, y]) => lambda64(s as Matrix, y as Matrix, { weightingScheme: 'NoWeighting' }),
    },
    {
      name: 'top 3, sigma 2, natural log, ragged',
      inputs: [logits, labels],
      options: { k: 3, sigma: 2, reductionLog: 'natural', mask: ragged },
      reference: ([s, y], o) =>
        lambda64(s as Matrix, y as Matrix, { ...(o as LambdaOptions), weightingScheme: 'NoWeighting' }),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);
runLossConformance(
  lambdaLoss,
  ['NDCGLoss2PP', 'NDCGLoss2', 'LambdaRank', 'NDCGLoss1'].map((weightingScheme) => ({
    name: `${weightingScheme}, ragged, k 4`,
    inputs: [logits, labels],
    options: { weightingScheme, mask: ragged, k: 4 },
    reference: ([s, y]: readonly unknown[], o: Record<string, unknown>) =>
      lambda64(s as Matrix, y as Matrix, { ...(o as LambdaOptions), labelsAt: labels }),
  })),
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

interface StRerank {
  logits: Matrix;
  labels: Matrix;
  mask: Matrix;
  cases: { loss: string; options: Record<string, unknown>; value: number }[];
}
// Values computed by sentence-transformers 6's cross-encoder losses (test/peers/st_rerankers.py).
const st = JSON.parse(
  readFileSync(new URL('./fixtures/st-rerankers.json', import.meta.url), 'utf8'),
) as StRerank;
const byName = { listNetLoss, listMleLoss, pListMleLoss, rankNetLoss, lambdaLoss } as const;

describeBackends(['cpu', 'wasm'], () => {
  describe('reranker losses', () => {
    it('match sentence-transformers 6 on ragged lists (fixtures)', () => {
      for (const c of st.cases) {
        const loss = byName[c.loss as keyof typeof byName] as (...args: unknown[]) => tf.Tensor;
        expectClose(loss(st.logits, st.labels, { ...c.options, mask: st.mask }), c.value, {
          rtol: 1e-5,
          atol: 1e-6,
          message: `${c.loss} ${JSON.stringify(c.options)}`,
        });
      }
    });
    it('rankNetLoss is lambdaLoss with NoWeighting; ListMLE is position-uniform p-ListMLE × n', () => {
      expectClose(
        rankNetLoss(logits, labels),
        lambdaLoss(logits, labels, { weightingScheme: 'NoWeighting' }),
      );
      expectClose(
        pListMleLoss(logits, labels, { reduction: 'none' }),
        listMle64(logits, labels, { positionAware: true }),
      );
    });
    it('degenerate lists: one document gives 0; all labels equal leave no pair (0)', () => {
      for (const loss of [listNetLoss, listMleLoss, pListMleLoss, rankNetLoss, lambdaLoss]) {
        expect(
          tf.tidy(() => (loss as (...a: unknown[]) => tf.Tensor)([[0.3]], [[1]]).dataSync()[0]!),
        ).toBeCloseTo(0, 6);
      }
      for (const loss of [rankNetLoss, lambdaLoss]) {
        const x = tf.tensor2d(logits);
        const g = tf.grad((t: tf.Tensor) =>
          loss(t, [
            [1, 1, 1, 1, 1],
            [2, 2, 2, 2, 2],
            [0, 0, 0, 0, 0],
          ]),
        )(x);
        expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
        tf.dispose([x, g]);
      }
      const empty = [[0, 0, 0, 0, 0], ...ragged.slice(1)];
      expectClose(
        listNetLoss(logits, labels, { mask: empty, reduction: 'none' }),
        listNet64(logits, labels, empty),
      );
    });
    it('ListMLE is shift-invariant in the logits and lowest when scores follow the target order (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000 }),
          fc.double({ min: -20, max: 20, noNaN: true }),
          (seed, c) => {
            const s = randomNormal([2, 4], seed) as Matrix;
            const shifted = s.map((r) => r.map((v) => v + c));
            const a = tf.tidy(
              () =>
                listMleLoss(
                  s,
                  labels.slice(0, 2).map((r) => r.slice(0, 4)),
                ).dataSync()[0]!,
            );
            const b = tf.tidy(
              () =>
                listMleLoss(
                  shifted,
                  labels.slice(0, 2).map((r) => r.slice(0, 4)),
                ).dataSync()[0]!,
            );
            expect(Math.abs(a - b)).toBeLessThan(1e-4);
          },
        ),
        { numRuns: 15 },
      );
      const good = tf.tidy(() => listMleLoss([[3, 2, 1, 0]], [[0, 0, 0, 0]]).dataSync()[0]!);
      const bad = tf.tidy(() => listMleLoss([[0, 1, 2, 3]], [[0, 0, 0, 0]]).dataSync()[0]!);
      expect(good).toBeLessThan(bad);
    });
    it('reject bad inputs with their codes and do not leak', () => {
      expectXentError(
        () => lambdaLoss(logits, labels, { weightingScheme: 'NDCG' as never }),
        'INVALID_OPTION',
        {
          argument: 'options.weightingScheme',
        },
      );
      expectXentError(() => rankNetLoss(logits, labels, { k: 0 }), 'INVALID_OPTION', {
        argument: 'options.k',
      });
      expectXentError(() => listNetLoss(logits, labels, { mask: [[1, 0]] }), 'SHAPE_MISMATCH', {
        argument: 'options.mask',
      });
      expectXentError(
        () => listMleLoss(logits, labels, { mask: ragged.map((r) => r.map((v) => v * 0.5)) }),
        'LABEL_OUT_OF_RANGE',
        {
          argument: 'options.mask',
        },
      );
      expectXentError(() => pListMleLoss(logits, labels.slice(1)), 'SHAPE_MISMATCH', { argument: 'labels' });
      for (const loss of [listNetLoss, listMleLoss, pListMleLoss, rankNetLoss, lambdaLoss]) {
        expectNoLeak(() => (loss as (...a: unknown[]) => tf.Tensor)(logits, labels, { mask: ragged }));
      }
    });
  });
});

// On webgl/webgpu the rerankers sort on the device (core's rankRows: tf.topk, no synchronous read);
// on cpu/wasm on the host. Both paths must give the same values and gradients, ties included.
describeBackends(['cpu'], () => {
  it('the device path (webgl/webgpu) agrees with the host path, ties and ragged lists included', async () => {
    const tiedLogits = logits.map((r) => r.map((v) => Math.round(v * 2) / 2));
    const tiedLabels = [
      [2, 0, 2, 1, 0],
      [1, 1, 0, 1, 2],
      [0, 0, 0, 3, 3],
    ];
    const optionSets: Record<string, unknown>[] = [{}, { mask: ragged }, { mask: st.mask }];
    const cases: [(typeof byName)[keyof typeof byName], Record<string, unknown>][] = [
      [listMleLoss, { respectInputOrder: false }],
      [listMleLoss, {}],
      [pListMleLoss, { respectInputOrder: false }],
      [pListMleLoss, {}],
      [rankNetLoss, { k: 3, sigma: 2 }],
      [rankNetLoss, {}],
      ...(['NDCGLoss2PP', 'NDCGLoss2', 'LambdaRank', 'NDCGLoss1', 'NoWeighting'] as const).map(
        (weightingScheme) =>
          [lambdaLoss, { weightingScheme, k: 4 }] as [
            (typeof byName)[keyof typeof byName],
            Record<string, unknown>,
          ],
      ),
    ];
    for (const [loss, options] of cases) {
      for (const extra of optionSets) {
        const [s, y] = extra.mask === st.mask ? [st.logits, st.labels] : [tiedLogits, tiedLabels];
        await expectDevicePathAgrees(loss, [s, y], { ...options, ...extra });
      }
    }
  });
});
