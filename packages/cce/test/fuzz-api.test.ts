// Issue 13: the bad/edge-input fuzz over every public function of @xent/cce (none is a defineLoss loss).
import * as tf from '@tensorflow/tfjs';
import { type CallableSpec, uncoveredCallables } from '@xent/testing';
import { fuzzEveryCallable } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import * as cceModule from '../src/index.js';

const specs: CallableSpec[] = [
  {
    name: 'linearCrossEntropy',
    inputs: [
      { name: 'embeddings', dtype: 'float32', shape: ['N', 'D'], description: '' },
      { name: 'classifier', dtype: 'float32', shape: ['V', 'D'], description: '' },
      { name: 'targets', dtype: 'int32', shape: ['N'], description: '' },
    ],
    dims: { V: [3, 6] },
    call: ([e, c, t], o) => [
      cceModule.linearCrossEntropy(
        e as never,
        c as never,
        t as never,
        o as cceModule.LinearCrossEntropyOptions,
      ),
      tf.grad((x: tf.Tensor) =>
        cceModule.linearCrossEntropy(x, c as never, t as never, o as cceModule.LinearCrossEntropyOptions),
      )(e instanceof tf.Tensor ? e : tf.tensor(e as tf.TensorLike)),
    ],
    edges: [
      {
        name: 'every target ignored',
        args: () => [
          [[1, 2]],
          [
            [1, 0],
            [0, 1],
          ],
          [-100],
        ],
        options: { ignoreIndex: -100 },
        expect: 'finite',
      },
    ],
  },
];

it('every public function of @xent/cce has a fuzz spec', () => {
  expect(
    uncoveredCallables(cceModule, specs, {
      registerFusedBackend: 'a registration hook for fused kernels (no data inputs); tested with the kernels',
    }),
  ).toEqual([]);
});

fuzzEveryCallable(specs);
