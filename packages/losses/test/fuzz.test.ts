import '../src/register.js';
import * as tf from '@tensorflow/tfjs';
import { registry } from '@xent/core';
import { fuzzEveryLoss } from '@xent/testing/vitest';
import { createAldrKlState } from '../src/index.js';

// issue 13: the spec-generated fuzz suite over every registered loss of this package, on cpu and
// wasm. XENT_FUZZ_RUNS=200 for a long run.
// One ALDR-KL state for the run, large enough for every generated batch (N ≤ 5); not updated, so that
// the reductions of one input see the same λ.
const aldrState = createAldrKlState(8);
fuzzEveryLoss(registry.list(), {
  'xent/hinge': { binaryInputs: ['targets'] },
  'xent/squared-hinge': { binaryInputs: ['targets'] },
  'xent/adversarial-comp-sum': { options: { model: (x: tf.Tensor) => tf.mul(x, 1.5), steps: 2 } },
  'xent/aldr-kl': {
    options: { update: false },
    optionsFor: ({ logits }) => ({ state: aldrState, indices: tf.range(0, logits!.shape[0]!, 1, 'int32') }),
  },
});
