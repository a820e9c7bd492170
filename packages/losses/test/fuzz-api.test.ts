// Issue 13: the bad/edge-input fuzz over every public function of @xent/losses that is not a
// defineLoss loss.
import * as tf from '@tensorflow/tfjs';
import { type CallableSpec, uncoveredCallables } from '@xent/testing';
import { fuzzEveryCallable } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import * as lossesModule from '../src/index.js';

const losses = { ...lossesModule };

const specs: CallableSpec[] = [
  {
    name: 'createAldrKlState',
    takesOptions: false,
    inputs: [],
    // No tensor inputs: the generated calls use (4, 1); the edges give other sizes and λ₀.
    call: ([numSamples = 4, lambda0]) =>
      losses.createAldrKlState(numSamples as number, lambda0 as number | undefined),
    edges: [
      { name: 'numSamples 0', args: () => [0], expect: 'INVALID_OPTION' },
      { name: 'numSamples 2.5', args: () => [2.5], expect: 'INVALID_OPTION' },
      { name: 'numSamples Infinity', args: () => [Number.POSITIVE_INFINITY], expect: 'INVALID_OPTION' },
      { name: 'lambda0 Infinity', args: () => [4, Number.POSITIVE_INFINITY], expect: 'INVALID_OPTION' },
      { name: 'lambda0 0', args: () => [4, 0], expect: 'INVALID_OPTION' },
      { name: 'one sample', args: () => [1], expect: 'finite' },
    ],
  },
  {
    name: 'logitClip',
    errorFns: ['logitClip(crossEntropyLoss)'],
    // Leading dims are valid (class axis last): the shape checks are the inner loss's, fuzzed there.
    checkShapes: false,
    inputs: [
      { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: '' },
      { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: '' },
    ],
    call: ([z, y], o) => losses.logitClip(losses.crossEntropyLoss, o as never)(z as never, y as never),
  },
];

it('every public function of @xent/losses that is not a loss has a fuzz spec', () => {
  expect(uncoveredCallables(lossesModule, specs)).toEqual([]);
  expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
});

fuzzEveryCallable(specs);
