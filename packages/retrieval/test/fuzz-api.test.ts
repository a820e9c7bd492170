// Issue 13: the bad/edge-input fuzz over every public function of @xent/retrieval that is not a
// defineLoss loss (wrappers, factories, metrics, samplers).
import * as tf from '@tensorflow/tfjs';
import type { InputSpec } from '@xent/core';
import { type CallableSpec, uncoveredCallables } from '@xent/testing';
import { fuzzEveryCallable } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import * as retrievalModule from '../src/index.js';

const retrieval = { ...retrievalModule };
const float = (name: string, shape: readonly string[]): InputSpec => ({
  name,
  dtype: 'float32',
  shape,
  description: '',
});
const colsOf = (x: unknown) => (x instanceof tf.Tensor ? x.shape[1]! : ((x as unknown[][])[0]?.length ?? 0));
const host = (x: unknown): number[] =>
  x instanceof tf.Tensor
    ? Array.from(x.dataSync())
    : ((x as unknown[]).flat(Number.POSITIVE_INFINITY) as number[]);

const rankingMetric = (name: 'mapAtK' | 'mrrAtK' | 'ndcgAtK' | 'recallAtK' | 'rocAuc'): CallableSpec => ({
  name,
  inputs: [float('scores', ['Q', 'L']), float(name === 'rocAuc' ? 'labels' : 'relevance', ['Q', 'L'])],
  binaryInputs: ['relevance', 'labels'],
  dims: { L: [2, 6] },
  call: ([s, r], o) => retrieval[name](s as never, r as never, o as never),
});

const specs: CallableSpec[] = [
  rankingMetric('mapAtK'),
  rankingMetric('mrrAtK'),
  rankingMetric('ndcgAtK'),
  rankingMetric('recallAtK'),
  rankingMetric('rocAuc'),
  {
    name: 'matryoshkaLoss',
    errorFns: ['infoNceLoss'],
    inputs: [float('queries', ['N', 'D']), float('docs', ['N', 'D'])],
    dims: { D: [4, 6] },
    options: { dims: [2, 4] },
    call: ([q, d], o) => retrieval.matryoshkaLoss(retrieval.infoNceLoss, o as never)(q as never, d as never),
  },
  {
    name: 'createSigmoidLoss',
    errorFns: ['sigmoidLoss'],
    inputs: [float('queries', ['N', 'D']), float('docs', ['N', 'D'])],
    call: ([q, d], o) => {
      const loss = retrieval.createSigmoidLoss(o as never);
      try {
        return loss(q as never, d as never);
      } finally {
        tf.dispose(loss.variables as tf.Variable[]);
      }
    },
  },
  {
    // Model inputs are the encoder's to check (token ids, pixels…): options and valid calls only.
    name: 'cachedContrastive',
    checkData: false,
    inputs: [float('queryInputs', ['N', 'D']), float('docInputs', ['N', 'D'])],
    options: { miniBatchSize: 2 },
    call: ([q, d], o) => {
      const w = tf.variable(tf.eye(colsOf(q)), true, 'cachedContrastiveFuzz');
      try {
        return retrieval.cachedContrastive({
          queryInputs: q as tf.Tensor,
          docInputs: d as tf.Tensor,
          embedQueries: (x: tf.Tensor) => tf.matMul(x, w),
          loss: (a: tf.Tensor, b: tf.Tensor) => retrieval.infoNceLoss(a, b),
          variables: [w],
          ...(o ?? {}),
        } as never);
      } finally {
        w.dispose();
      }
    },
  },
  {
    // Sample ids are opaque (numbers or strings): options only.
    name: 'noDuplicatesBatches',
    checkData: false,
    inputs: [{ name: 'ids', dtype: 'int32', shape: ['N'], description: '' }],
    dims: { N: [2, 8] },
    call: ([ids], o) => retrieval.noDuplicatesBatches(host(ids), 2, o as never),
  },
  {
    name: 'groupByLabelBatches',
    checkData: false,
    inputs: [{ name: 'labels', dtype: 'int32', shape: ['N'], description: '' }],
    dims: { N: [4, 8] },
    call: ([labels], o) => retrieval.groupByLabelBatches(host(labels), 4, o as never),
  },
];

it('every public function of @xent/retrieval that is not a loss has a fuzz spec', () => {
  expect(
    uncoveredCallables(retrievalModule, specs, {
      mineHardNegatives:
        'asynchronous (awaits the device); its contract is tested in mine-hard-negatives.test.ts',
    }),
  ).toEqual([]);
});

fuzzEveryCallable(specs);
