import * as tf from '@tensorflow/tfjs';
import { expectNoLeak, expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import {
  avgNonZeroReducer,
  batchHardMiner,
  classPrototypes,
  contrastiveLoss,
  cosineSimilarity,
  createMarginLoss,
  createProxyAnchorLoss,
  dotProduct,
  epsilonOpis,
  lpDistance,
  mapAtR,
  meanReducer,
  metrixMixup,
  multiSimilarityMiner,
  nmi,
  opis,
  pairMarginMiner,
  precisionAt1,
  recallAtK,
  rPrecision,
  thresholdReducer,
  tripletMarginLoss,
  tripletMarginMiner,
  utilization,
} from '../src/index.js';
import { smoothDistance } from '../src/internal/few-shot-distance.js';

const x = [
  [1, 0],
  [0.9, 0.1],
  [0, 1],
  [0.1, 0.9],
  [-1, 0],
  [-0.9, -0.2],
];
const labels = [0, 0, 1, 1, 2, 2];

describe('every factory checks its options like defineLoss (issue 13)', () => {
  it('unknown keys → INVALID_OPTION with a "did you mean"', () => {
    const cases: [() => unknown, string, string][] = [
      [() => lpDistance({ normalize: false } as never), 'normalize', 'normalizeEmbeddings'],
      [() => dotProduct({ normalise: true } as never), 'normalise', 'normalizeEmbeddings'],
      [() => thresholdReducer({ lo: 0.5 } as never), 'lo', 'low'],
      [() => batchHardMiner({ distanse: lpDistance() } as never), 'distanse', 'distance'],
      [() => tripletMarginMiner({ margn: 0.1 } as never), 'margn', 'margin'],
      [() => multiSimilarityMiner({ eps: 0.1 } as never), 'eps', 'epsilon'],
      [() => pairMarginMiner({ posmargin: 0.1 } as never), 'posmargin', 'posMargin'],
      [() => createMarginLoss({ betta: 1 } as never), 'betta', 'beta'],
      [() => createProxyAnchorLoss({ numClasses: 2, embeddingSize: 2, sed: 1 } as never), 'sed', 'seed'],
      [() => metrixMixup(x, labels, { alpa: 2 } as never), 'alpa', 'alpha'],
      [() => nmi(x, labels, { iteration: 3 } as never), 'iteration', 'iterations'],
      [() => opis(x, labels, { treshold: 3 } as never), 'treshold', 'thresholds'],
      [() => precisionAt1(x, labels, { distanc: 'cosine' } as never), 'distanc', 'distance'],
      [() => classPrototypes(x, labels, 3, { validat: false } as never), 'validat', 'validate'],
    ];
    for (const [run, key, suggestion] of cases) {
      expectXentError(run, 'INVALID_OPTION', {
        argument: `options.${key}`,
        includes: [`did you mean '${suggestion}'?`],
      });
    }
    for (const run of [() => cosineSimilarity({ p: 2 } as never), () => meanReducer({ low: 1 } as never)]) {
      expectXentError(run, 'INVALID_OPTION');
    }
    expectXentError(() => avgNonZeroReducer({ high: 1 } as never), 'INVALID_OPTION');
  });

  it('±Infinity, non-integers and bounds of loop counts → INVALID_OPTION', () => {
    expectXentError(() => lpDistance({ power: Number.POSITIVE_INFINITY }), 'INVALID_OPTION');
    expectXentError(() => thresholdReducer({ high: Number.POSITIVE_INFINITY }), 'INVALID_OPTION');
    expectXentError(() => createMarginLoss({ numClasses: 2.5 }), 'INVALID_OPTION');
    expectXentError(() => createProxyAnchorLoss({ numClasses: 2 } as never), 'INVALID_OPTION', {
      argument: 'options.embeddingSize',
    });
    expectXentError(() => nmi(x, labels, { iterations: 1e9 }), 'INVALID_OPTION', {
      argument: 'options.iterations',
    });
    expectXentError(() => opis(x, labels, { thresholds: 1e12 }), 'INVALID_OPTION');
    expectXentError(() => nmi(x, labels, { seed: 0.5 }), 'INVALID_OPTION');
  });

  it('metrixMixup with α = ±Infinity returns an error instead of hanging', () => {
    for (const alpha of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      expectXentError(() => metrixMixup(x, labels, { alpha }), 'INVALID_OPTION', {
        argument: 'options.alpha',
      });
    }
    const tiny = metrixMixup(x, labels, { alpha: 1e-300 });
    expect(Array.from(tiny.targets.dataSync()).every((v) => v === 0 || v === 1)).toBe(true);
    tf.dispose([tiny.mixed, tiny.anchors, tiny.targets]);
  });

  it('a plug-in of the wrong kind → INVALID_OPTION, not a TypeError', () => {
    const reducer = meanReducer();
    const distance = lpDistance();
    const miner = batchHardMiner();
    expectXentError(() => contrastiveLoss(x, labels, { distance: reducer as never }), 'INVALID_OPTION', {
      argument: 'options.distance',
    });
    expectXentError(() => contrastiveLoss(x, labels, { reducer: distance as never }), 'INVALID_OPTION', {
      argument: 'options.reducer',
    });
    expectXentError(() => tripletMarginLoss(x, labels, { miner: distance as never }), 'INVALID_OPTION', {
      argument: 'options.miner',
    });
    expectXentError(() => batchHardMiner({ distance: miner as never }), 'INVALID_OPTION', {
      argument: 'options.distance',
    });
    expectXentError(() => tripletMarginLoss(x, labels, { onMined: 3 as never }), 'INVALID_OPTION');
  });
});

describe('inputs checked at the door (issue 13)', () => {
  it('miners check embeddings against labels and leak nothing on throw', () => {
    const miner = batchHardMiner();
    const e = tf.tensor2d(x);
    expectNoLeak(() =>
      expectXentError(
        () => tf.tidy(() => miner.mine(e, tf.tensor1d([0, 0, 1, 1, 2], 'int32')) as never),
        'SHAPE_MISMATCH',
        { argument: 'labels' },
      ),
    );
    expectXentError(() => miner.mine(e, tf.tensor1d(labels, 'float32')), 'DTYPE_MISMATCH');
    expectXentError(
      () =>
        tripletMarginMiner().mine(
          tf.tensor2d([[Number.NaN, 0], ...x.slice(1)]),
          tf.tensor1d(labels, 'int32'),
        ),
      'NON_FINITE_INPUT',
    );
    e.dispose();
  });

  it('classPrototypes rejects labels ≥ numClasses instead of dropping them', () => {
    expectNoLeak(() =>
      expectXentError(() => classPrototypes(x, [0, 0, 1, 1, 2, 3], 3), 'LABEL_OUT_OF_RANGE', {
        argument: 'supportLabels',
      }),
    );
    expectXentError(() => classPrototypes(x, labels, 0), 'INVALID_OPTION');
    expectXentError(() => classPrototypes(x, labels.slice(1), 3), 'SHAPE_MISMATCH');
  });

  it('metric-learning metrics reject NaN/Inf embeddings and NaN or fractional labels', () => {
    const metrics = {
      precisionAt1: (e: number[][], y: number[]) => precisionAt1(e, y),
      rPrecision: (e: number[][], y: number[]) => rPrecision(e, y),
      mapAtR: (e: number[][], y: number[]) => mapAtR(e, y),
      recallAtK: (e: number[][], y: number[]) => recallAtK(e, y, 2),
      opis: (e: number[][], y: number[]) => opis(e, y),
      epsilonOpis: (e: number[][], y: number[]) => epsilonOpis(e, y),
      nmi: (e: number[][], y: number[]) => nmi(e, y),
    };
    for (const [name, metric] of Object.entries(metrics)) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const e = x.map((row) => [...row]);
        e[2]![1] = bad;
        expectXentError(() => metric(e, labels), 'NON_FINITE_INPUT', { argument: 'embeddings' });
      }
      for (const bad of [Number.NaN, 0.5, 2 ** 32 + 1]) {
        expectXentError(() => metric(x, [bad, ...labels.slice(1)]), 'DTYPE_MISMATCH', { argument: 'labels' });
      }
      expectXentError(() => metric([], []), 'SHAPE_MISMATCH', { argument: 'embeddings' });
      expectXentError(() => tf.tidy(() => metric(tf.zeros([0, 2]) as never, [])), 'EMPTY_BATCH');
      expect(Number.isFinite(metric(x, labels)), name).toBe(true);
    }
    expectXentError(() => utilization([[Number.NaN, 0]], x), 'NON_FINITE_INPUT', { argument: 'queries' });
    expectXentError(() => precisionAt1(tf.tensor2d(x), tf.tensor1d(labels, 'float32')), 'DTYPE_MISMATCH');
  });

  it('label ids compare exactly: ids ≥ 2²⁴ that differ by one are different classes', () => {
    const big = 2 ** 24;
    const ids = [big, big, big + 1, big + 1, big + 2, big + 2];
    expect(precisionAt1(x, ids)).toBeCloseTo(precisionAt1(x, labels), 12);
    expect(nmi(x, ids)).toBeCloseTo(nmi(x, labels), 12);
    const merged = [big, big, big + 1, big + 1, big + 1, big + 1];
    expect(rPrecision(x, ids)).not.toBeCloseTo(rPrecision(x, merged), 6);
    const m = tripletMarginMiner({ margin: 10 }).mine(tf.tensor2d(x), tf.tensor1d(ids, 'int32'));
    const n = tripletMarginMiner({ margin: 10 }).mine(tf.tensor2d(x), tf.tensor1d(labels, 'int32'));
    expect(m.kind === 'triplets' && n.kind === 'triplets' && m.anchors.size === n.anchors.size).toBe(true);
    tf.dispose([m, n] as never);
  });

  it('ragged arrays → SHAPE_MISMATCH', () => {
    expectXentError(() => precisionAt1([[1, 2], [3]], [0, 1]), 'SHAPE_MISMATCH', { argument: 'embeddings' });
    expectXentError(() => contrastiveLoss([[1, 2], [3]], [0, 1]), 'SHAPE_MISMATCH', {
      argument: 'embeddings',
    });
  });
});

describe('factories leak nothing (issue 13)', () => {
  it('createMarginLoss and createProxyAnchorLoss keep only their variable', () => {
    const before = tf.memory().numTensors;
    const margin = createMarginLoss({ numClasses: 3 });
    const proxy = createProxyAnchorLoss({ numClasses: 3, embeddingSize: 2 });
    expect(tf.memory().numTensors - before).toBe(2);
    margin.variables.beta.dispose();
    proxy.variables.proxies.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('createProxyAnchorLoss: seed 0 is a seed (deterministic)', () => {
    const a = createProxyAnchorLoss({ numClasses: 3, embeddingSize: 4, seed: 0 });
    const b = createProxyAnchorLoss({ numClasses: 3, embeddingSize: 4 });
    expect(Array.from(a.variables.proxies.dataSync())).toEqual(Array.from(b.variables.proxies.dataSync()));
    a.variables.proxies.dispose();
    b.variables.proxies.dispose();
  });
});

describe('few-shot distances do not overflow float32 (issue 13)', () => {
  it('protoTripletLoss and icnnLoss stay finite for embeddings near 1e19', async () => {
    const { icnnLoss, protoTripletLoss } = await import('../src/index.js');
    const big = x.map((row) => row.map((v) => v * 3e19));
    const prototypes = [
      [3e19, 0],
      [0, 3e19],
      [-3e19, 0],
    ];
    expectNoLeak(() =>
      tf.tidy(() => {
        const q = tf.tensor2d(big);
        for (const value of [
          protoTripletLoss(q, labels, prototypes),
          icnnLoss(q, labels),
          tf.grad((z: tf.Tensor) => protoTripletLoss(z, labels, prototypes))(q),
        ]) {
          expect(Array.from(value.dataSync()).every(Number.isFinite)).toBe(true);
        }
        // Unchanged at ordinary sizes: √(‖x − y‖² + 10⁻⁶) from plain loops.
        const d = smoothDistance(tf.tensor2d(x)).arraySync() as number[][];
        x.forEach((a, r) => {
          x.forEach((b, c) => {
            const sq = a.reduce((acc, v, k) => acc + (v - b[k]!) ** 2, 0);
            expect(d[r]![c]!).toBeCloseTo(Math.sqrt((r === c ? 0 : sq) + 1e-6), 5);
          });
        });
      }),
    );
  });
});
