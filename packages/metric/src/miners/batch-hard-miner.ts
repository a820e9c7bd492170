import { type Miner, type OptionSchema, resolveOptions } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import type { MetricDistance } from '../distances/make-distance.js';
import { minerDistanceSpec, readBatch, tripletIndices } from './host-matrix.js';

/** Options of {@link batchHardMiner}. */
export interface BatchHardMinerOptions {
  /** @defaultValue lpDistance() */
  readonly distance?: MetricDistance;
}

const OPTIONS: OptionSchema<BatchHardMinerOptions> = { distance: minerDistanceSpec };

/**
 * One triplet per anchor: its hardest positive (farthest) and hardest negative (closest) (Hermans et
 * al. 2017; PML's `BatchHardMiner`). Anchors lacking a positive or a negative are dropped.
 *
 * @see https://arxiv.org/abs/1703.07737
 * @example const loss = tripletMarginLoss(embeddings, labels, { miner: batchHardMiner() });
 */
export function batchHardMiner(options: BatchHardMinerOptions = {}): Miner {
  const { distance = lpDistance() } = resolveOptions('batchHardMiner', OPTIONS, options);
  return {
    name: 'batchHard',
    mine(embeddings, labels, reference) {
      const {
        size,
        width,
        values,
        labels: y,
        refLabels: r,
        self,
        isInverted,
      } = readBatch('batchHardMiner.mine', distance, embeddings, labels, reference);
      // Work in "distance" orientation: larger = farther.
      const sign = isInverted ? -1 : 1;
      const a: number[] = [];
      const p: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < size; i++) {
        let hardPos = -1;
        let hardNeg = -1;
        let posValue = Number.NEGATIVE_INFINITY;
        let negValue = Number.POSITIVE_INFINITY;
        for (let j = 0; j < width; j++) {
          if (self && j === i) continue;
          const d = sign * values[i * width + j]!;
          if (r[j] === y[i]) {
            if (d > posValue) [posValue, hardPos] = [d, j];
          } else if (d < negValue) [negValue, hardNeg] = [d, j];
        }
        if (hardPos >= 0 && hardNeg >= 0) {
          a.push(i);
          p.push(hardPos);
          n.push(hardNeg);
        }
      }
      return tripletIndices(a, p, n);
    },
  };
}
