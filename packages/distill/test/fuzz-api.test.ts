// Issue 13: the bad/edge-input fuzz over every public function of @xent/distill that is not a
// defineLoss loss.
import * as tf from '@tensorflow/tfjs';
import { type CallableSpec, uncoveredCallables } from '@xent/testing';
import { fuzzEveryCallable } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import * as distillModule from '../src/index.js';

const distill = { ...distillModule };
const tensor = (x: unknown) => (x instanceof tf.Tensor ? x : tf.tensor(x as tf.TensorLike));

const specs: CallableSpec[] = [
  {
    name: 'alignGradients',
    takesOptions: false,
    // Any gradient shape is valid; a mismatch between the maps is reported on the secondary.
    checkShapes: false,
    inputs: [
      { name: 'primary', dtype: 'float32', shape: ['P', 'Q'], description: '' },
      { name: 'secondary', dtype: 'float32', shape: ['P', 'Q'], description: '' },
    ],
    call: ([a, b]) => distill.alignGradients({ w: tensor(a) }, { w: tensor(b) }),
    edges: [
      { name: 'zero gradients', args: () => [tf.zeros([2, 2]), tf.zeros([2, 2])], expect: 'finite' },
      { name: 'opposite gradients', args: () => [[[1, 0]], [[-1, 0]]], expect: 'finite' },
    ],
  },
  {
    name: 'standardizeLogits',
    takesOptions: false,
    // Any leading dims (class axis last): an extra axis is valid.
    checkShapes: false,
    inputs: [{ name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: '' }],
    dims: { C: [2, 5] },
    call: ([z]) => distill.standardizeLogits(z as never),
    edges: [
      { name: 'equal logits (σ = 0)', args: () => [[[3, 3, 3]]], expect: 'finite' },
      { name: 'one class', args: () => [[[1], [2]]], expect: 'SHAPE_MISMATCH' },
    ],
  },
];

it('every public function of @xent/distill that is not a loss has a fuzz spec', () => {
  expect(uncoveredCallables(distillModule, specs)).toEqual([]);
});

fuzzEveryCallable(specs);
