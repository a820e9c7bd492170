import { expectDevicePathAgrees, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, it } from 'vitest';
import {
  contrastiveLoss,
  multiSimilarityLoss,
  tcmLoss,
  tripletMarginLoss,
  tripletMarginMiner,
} from '../src/index.js';

// The host passes (cpu, wasm) against the device formulations (webgl, webgpu) on the same inputs:
// every pair, mined triplets (pair multiplicities > 1), and a distance with a zero (safeSqrt's gradient).
describeBackends(['cpu', 'wasm'], () => {
  describe('host paths = device paths', () => {
    const x = randomNormal([10, 4], 130) as number[][];
    x[9] = [...x[8]!]; // two identical rows: distance 0
    const labels = [0, 0, 1, 1, 2, 2, 0, 1, 3, 3];
    const cases = [
      [multiSimilarityLoss, {}],
      [multiSimilarityLoss, { mining: false }],
      [multiSimilarityLoss, { miner: tripletMarginMiner({ margin: 2 }) }],
      [tcmLoss, {}],
      [tcmLoss, { miner: tripletMarginMiner({ margin: 2 }) }],
      [contrastiveLoss, {}],
      [tripletMarginLoss, { margin: 0.5 }],
    ] as const;
    for (const [loss, options] of cases) {
      it(`${loss.spec.name} ${JSON.stringify(options)}`, async () => {
        await expectDevicePathAgrees(loss, [x, labels], options, { atol: 1e-5, rtol: 1e-4 });
      });
    }
  });
});
