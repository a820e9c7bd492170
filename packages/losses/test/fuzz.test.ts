import '../src/register.js';
import * as tf from '@tensorflow/tfjs';
import { registry } from '@xent/core';
import { type FuzzConfig, fuzzLoss } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import { createAldrKlState } from '../src/index.js';

// issue 13: the spec-generated fuzz suite over every registered loss of this package, on cpu and
// wasm. XENT_FUZZ_RUNS=200 for a long run.
const aldrState = createAldrKlState(8);
const configs: Record<string, FuzzConfig> = {
  'xent/adversarial-comp-sum': { options: { model: (x: tf.Tensor) => tf.mul(x, 1.5), steps: 2 } },
  'xent/aldr-kl': {
    // One state for the run, large enough for every generated batch (N ≤ 5); not updated, so that
    // the reductions of one input see the same λ.
    options: { update: false },
    optionsFor: ({ logits }) => ({ state: aldrState, indices: tf.range(0, logits!.shape[0]!, 1, 'int32') }),
  },
};
const ours = registry.list().filter((loss) => !loss.spec.id.includes('-logit-clip'));

describeBackends(['cpu', 'wasm'], () => {
  for (const loss of ours) {
    if (!loss.spec.id.startsWith('xent/')) continue;
    it(`${loss.spec.name} keeps the input contract on random valid and invalid inputs`, () => {
      const report = fuzzLoss(loss, configs[loss.spec.id] ?? {});
      expect(report.accepted).toBeGreaterThan(0);
    });
  }
});
