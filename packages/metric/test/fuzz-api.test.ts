// Issue 13: the bad/edge-input fuzz over every public function of @xent/metric that is not a
// defineLoss loss (distances, miners, reducers, metrics, factories, wrappers, samplers).
import * as tf from '@tensorflow/tfjs';
import type { InputSpec } from '@xent/core';
import { type CallableSpec, uncoveredCallables } from '@xent/testing';
import { fuzzEveryCallable } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import * as metricModule from '../src/index.js';

/** The module as a plain record (specs index it by name). */
const metric = { ...metricModule };

const embeddings = (name = 'embeddings', rows = 'N'): InputSpec => ({
  name,
  dtype: 'float32',
  shape: [rows, 'D'],
  description: '',
});
const ids = (name = 'labels', rows = 'N'): InputSpec => ({
  name,
  dtype: 'int32',
  shape: [rows],
  description: '',
});
/** Plug-in methods compute on tensors the losses already checked: options only, no data checks. */
const unchecked = (name = 'embeddings', rows = 'N'): InputSpec => ({
  ...embeddings(name, rows),
  finite: false,
});
const rowsOf = (x: unknown) => (x instanceof tf.Tensor ? x.shape[0]! : (x as unknown[]).length);
const colsOf = (x: unknown) => (x instanceof tf.Tensor ? x.shape[1]! : ((x as unknown[][])[0]?.length ?? 0));
const host = (x: unknown): number[] =>
  x instanceof tf.Tensor
    ? Array.from(x.dataSync())
    : ((x as unknown[]).flat(Number.POSITIVE_INFINITY) as number[]);
/** A tensor of `x`; host ids that are not int32 (0.5, 2³² + 1, NaN) become the float32 tensor a user would pass. */
const tensor = (x: unknown, dtype: 'float32' | 'int32' = 'float32') => {
  if (x instanceof tf.Tensor) return x;
  const int32 = host(x).every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31);
  return tf.tensor(x as tf.TensorLike, undefined, dtype === 'int32' && !int32 ? 'float32' : dtype);
};
/** A factory's value, with its variables disposed also when the call throws. */
function disposing(variables: Record<string, tf.Variable>, run: () => tf.Tensor): tf.Tensor {
  try {
    return run();
  } finally {
    for (const v of Object.values(variables)) v.dispose();
  }
}
const x6 = [
  [1, 0],
  [0.9, 0.1],
  [0, 1],
  [0.1, 0.9],
  [-1, 0],
  [-0.9, -0.2],
];
const y6 = [0, 0, 1, 1, 2, 2];

const distance = (name: 'lpDistance' | 'dotProduct' | 'cosineSimilarity'): CallableSpec => ({
  name,
  inputs: [unchecked('a'), unchecked('b', 'M')],
  checkData: false,
  call: ([a, b], o) => {
    const d = metric[name](o as never);
    return [d.pairwise(tensor(a), tensor(b)), d.pairwise(tensor(a))];
  },
});

const miner = (
  name:
    | 'batchHardMiner'
    | 'batchEasyHardMiner'
    | 'distanceWeightedMiner'
    | 'multiSimilarityMiner'
    | 'pairMarginMiner'
    | 'tripletMarginMiner'
    | 'uniformHistogramMiner',
): CallableSpec => ({
  name,
  inputs: [embeddings(), ids()],
  call: ([x, y], o) => metric[name](o as never).mine(tensor(x), tensor(y, 'int32')),
  edges: [
    { name: 'one example', args: () => [[[1, 2]], [0]], expect: 'finite' },
    { name: 'one class (nothing to mine)', args: () => [x6, [0, 0, 0, 0, 0, 0]], expect: 'finite' },
  ],
});

const reducerParts = (losses: unknown): metricModule.WeightedLossPart[] =>
  [{ losses: tensor(losses), kind: 'element' }] as unknown as metricModule.WeightedLossPart[];
const reducer = (name: 'thresholdReducer' | 'meanReducer' | 'avgNonZeroReducer'): CallableSpec => ({
  name,
  inputs: [{ name: 'losses', dtype: 'float32', shape: ['N'], description: '', finite: false }],
  checkData: false,
  call: ([l], o) => metric[name](o as never).reduce(reducerParts(l)),
  edges: [{ name: 'no losses', args: () => [tf.zeros([0])], expect: 'finite' }],
});

const hostMetric = (
  name: 'precisionAt1' | 'rPrecision' | 'mapAtR' | 'nmi' | 'opis' | 'epsilonOpis',
): CallableSpec => ({
  name,
  inputs: [embeddings(), ids()],
  call: ([x, y], o) => metric[name](x as never, y as never, o as never),
  edges: [
    { name: 'one example (nothing to retrieve)', args: () => [[[1, 2]], [0]], expect: 'EMPTY_BATCH' },
    { name: 'only singleton classes', args: () => [x6, [0, 1, 2, 3, 4, 5]], expect: 'EMPTY_BATCH' },
    { name: 'empty', args: () => [tf.zeros([0, 2]), tf.zeros([0], 'int32')], expect: 'EMPTY_BATCH' },
  ],
});

const classWeightFactory = (
  name:
    | 'createArcFaceLoss'
    | 'createCosFaceLoss'
    | 'createLargeMarginSoftmaxLoss'
    | 'createNormalizedSoftmaxLoss'
    | 'createProxyNcaLoss'
    | 'createSoftTripleLoss'
    | 'createSphereFaceLoss'
    | 'createSubCenterArcFaceLoss',
  lossName: string,
): CallableSpec => ({
  name,
  errorFns: [lossName],
  inputs: [embeddings(), ids()],
  checkShapes: false,
  call: ([x, y], o) => {
    const made = metric[name]({ numClasses: 3, embeddingSize: colsOf(x), ...(o ?? {}) } as never);
    return disposing(made.variables, () => made.loss(x as never, y as never));
  },
});

const specs: CallableSpec[] = [
  distance('lpDistance'),
  distance('dotProduct'),
  distance('cosineSimilarity'),
  {
    name: 'marginOf',
    takesOptions: false,
    checkData: false,
    inputs: [
      { name: 'x', dtype: 'float32', shape: ['N'], description: '', finite: false },
      { name: 'y', dtype: 'float32', shape: ['N'], description: '', finite: false },
    ],
    call: ([a, b]) => metric.marginOf(metric.lpDistance(), tensor(a), tensor(b)),
  },
  miner('batchHardMiner'),
  miner('batchEasyHardMiner'),
  miner('distanceWeightedMiner'),
  miner('multiSimilarityMiner'),
  miner('pairMarginMiner'),
  miner('tripletMarginMiner'),
  miner('uniformHistogramMiner'),
  reducer('thresholdReducer'),
  reducer('meanReducer'),
  reducer('avgNonZeroReducer'),
  {
    name: 'sumReducer',
    takesOptions: false,
    checkData: false,
    inputs: [{ name: 'losses', dtype: 'float32', shape: ['N'], description: '', finite: false }],
    call: ([l]) => metric.sumReducer().reduce(reducerParts(l)),
  },
  {
    name: 'doNothingReducer',
    takesOptions: false,
    checkData: false,
    inputs: [{ name: 'losses', dtype: 'float32', shape: ['N'], description: '', finite: false }],
    call: ([l]) => metric.doNothingReducer().reduce(reducerParts(l)),
  },
  {
    name: 'divisorReducer',
    checkData: false,
    options: {},
    inputs: [{ name: 'losses', dtype: 'float32', shape: ['N'], description: '', finite: false }],
    call: ([l], o) => metric.divisorReducer({ divisor: 2, ...(o ?? {}) } as never).reduce(reducerParts(l)),
  },
  {
    name: 'perAnchorReducer',
    checkData: false,
    inputs: [{ name: 'losses', dtype: 'float32', shape: ['N'], description: '', finite: false }],
    call: ([l], o) => metric.perAnchorReducer(o as never).reduce(reducerParts(l)),
  },
  {
    name: 'classWeightedReducer',
    errorFns: ['contrastiveLoss'],
    takesOptions: false,
    checkShapes: false,
    inputs: [{ name: 'weights', dtype: 'float32', shape: ['C'], description: '' }],
    dims: { C: [3, 4] },
    call: ([w]) => metric.contrastiveLoss(x6, y6, { reducer: metric.classWeightedReducer(w as never) }),
  },
  hostMetric('precisionAt1'),
  hostMetric('rPrecision'),
  hostMetric('mapAtR'),
  {
    ...hostMetric('nmi'),
    edges: [
      { name: 'one example', args: () => [[[1, 2]], [0]], expect: 'finite' },
      { name: 'only singleton classes', args: () => [x6, [0, 1, 2, 3, 4, 5]], expect: 'finite' },
      { name: 'empty', args: () => [tf.zeros([0, 2]), tf.zeros([0], 'int32')], expect: 'EMPTY_BATCH' },
    ],
  },
  hostMetric('opis'),
  hostMetric('epsilonOpis'),
  {
    name: 'recallAtK',
    inputs: [embeddings(), ids()],
    call: ([x, y], o) => metric.recallAtK(x as never, y as never, 1, o as never),
    edges: [{ name: 'one example', args: () => [[[1, 2]], [0]], expect: 'EMPTY_BATCH' }],
  },
  {
    name: 'accuracyCalculator',
    inputs: [embeddings('queries'), ids('queryLabels')],
    call: ([x, y], o) => metric.accuracyCalculator(x as never, y as never, o as never),
    edges: [{ name: 'one example', args: () => [[[1, 2]], [0]], expect: 'EMPTY_BATCH' }],
  },
  {
    name: 'adjustedMutualInformation',
    takesOptions: false,
    checkShapes: false,
    inputs: [ids('a'), ids('b')],
    call: ([a, b]) => metric.adjustedMutualInformation(host(a), host(b)),
  },
  {
    name: 'utilization',
    takesOptions: false,
    inputs: [embeddings('queries', 'M'), embeddings('reference')],
    call: ([q, r]) => metric.utilization(q as never, r as never),
  },
  {
    name: 'metrixMixup',
    inputs: [embeddings(), ids()],
    call: ([x, y], o) => metric.metrixMixup(x as never, y as never, o as never),
    edges: [{ name: 'one example', args: () => [[[1, 2]], [0]], expect: 'finite' }],
  },
  {
    name: 'classPrototypes',
    inputs: [embeddings('support'), ids('supportLabels')],
    call: ([x, y], o) => metric.classPrototypes(x as never, y as never, 3, o as never),
  },
  {
    name: 'createMarginLoss',
    errorFns: ['marginLoss'],
    inputs: [embeddings(), ids()],
    checkShapes: false,
    call: ([x, y], o) => {
      const made = metric.createMarginLoss({ numClasses: 3, ...(o ?? {}) } as never);
      return disposing(made.variables, () => made.loss(x as never, y as never));
    },
  },
  {
    name: 'createProxyAnchorLoss',
    errorFns: ['proxyAnchorLoss'],
    inputs: [embeddings(), ids()],
    checkShapes: false,
    call: ([x, y], o) => {
      const made = metric.createProxyAnchorLoss({
        numClasses: 3,
        embeddingSize: colsOf(x),
        ...(o ?? {}),
      } as never);
      return disposing(made.variables, () => made.loss(x as never, y as never));
    },
  },
  classWeightFactory('createArcFaceLoss', 'arcFaceLoss'),
  classWeightFactory('createCosFaceLoss', 'cosFaceLoss'),
  classWeightFactory('createLargeMarginSoftmaxLoss', 'largeMarginSoftmaxLoss'),
  classWeightFactory('createNormalizedSoftmaxLoss', 'normalizedSoftmaxLoss'),
  classWeightFactory('createProxyNcaLoss', 'proxyNcaLoss'),
  classWeightFactory('createSoftTripleLoss', 'softTripleLoss'),
  classWeightFactory('createSphereFaceLoss', 'sphereFaceLoss'),
  classWeightFactory('createSubCenterArcFaceLoss', 'subCenterArcFaceLoss'),
  {
    name: 'subCenterArcFaceOutliers',
    inputs: [
      embeddings(),
      ids(),
      { name: 'classWeights', dtype: 'float32', shape: ['K', 'D'], description: '' },
    ],
    dims: { K: [3, 3] },
    options: { subCenters: 1 },
    checkShapes: false,
    call: ([x, y, w], o) => metric.subCenterArcFaceOutliers(x as never, y as never, w as never, o as never),
  },
  {
    name: 'mPerClassBatches',
    takesOptions: true,
    checkShapes: false,
    inputs: [ids()],
    call: ([y], o) => metric.mPerClassBatches(host(y), 1, 2, o as never),
  },
  {
    name: 'crossBatchMemory',
    errorFns: ['contrastiveLoss'],
    inputs: [embeddings(), ids()],
    checkShapes: false,
    call: ([x, y], o) => {
      const xbm = metric.crossBatchMemory(metric.contrastiveLoss, {
        embeddingSize: colsOf(x),
        memorySize: 8,
        ...(o ?? {}),
      } as never);
      try {
        return [xbm.loss(x as never, y as never), xbm.loss(x as never, y as never)];
      } finally {
        xbm.dispose();
      }
    },
  },
  {
    name: 'sharePairwise',
    errorFns: ['multiSimilarityLoss', 'tcmLoss'],
    takesOptions: false,
    inputs: [embeddings(), ids()],
    call: ([x, y]) =>
      metric.sharePairwise(() =>
        tf.add(metric.multiSimilarityLoss(x as never, y as never), metric.tcmLoss(x as never, y as never)),
      ),
  },
];

it('every public function of @xent/metric that is not a loss has a fuzz spec', () => {
  expect(uncoveredCallables(metricModule, specs)).toEqual([]);
  expect(rowsOf(x6)).toBe(y6.length);
});

fuzzEveryCallable(specs);
