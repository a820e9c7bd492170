import { type Miner, type OptionSchema, resolveOptions } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import type { MetricDistance } from '../distances/make-distance.js';
import { minerDistanceSpec, pairIndices, readBatch } from './host-matrix.js';

/** Options of {@link pairMarginMiner}. */
export interface PairMarginMinerOptions {
  /** Keep positive pairs with d > posMargin (s < posMargin for similarities). @defaultValue 0.2 */
  readonly posMargin?: number;
  /** Keep negative pairs with d < negMargin (s > negMargin for similarities). @defaultValue 0.8 */
  readonly negMargin?: number;
  /** @defaultValue lpDistance() */
  readonly distance?: MetricDistance;
}

const OPTIONS: OptionSchema<PairMarginMinerOptions> = {
  posMargin: { type: 'number', description: 'positive-pair margin' },
  negMargin: { type: 'number', description: 'negative-pair margin' },
  distance: minerDistanceSpec,
};

/**
 * Pairs that violate a margin (PML's `PairMarginMiner`): positives farther than `posMargin`, negatives
 * closer than `negMargin`.
 *
 * @example const loss = contrastiveLoss(embeddings, labels, { miner: pairMarginMiner() });
 */
export function pairMarginMiner(options: PairMarginMinerOptions = {}): Miner {
  const {
    posMargin,
    negMargin,
    distance = lpDistance(),
  } = resolveOptions('pairMarginMiner', OPTIONS, options, { posMargin: 0.2, negMargin: 0.8 });
  return {
    name: 'pairMargin',
    mine(embeddings, labels, reference) {
      const {
        size,
        width,
        values,
        labels: y,
        refLabels: r,
        self,
        isInverted,
      } = readBatch('pairMarginMiner.mine', distance, embeddings, labels, reference);
      const a1: number[] = [];
      const p: number[] = [];
      const a2: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < width; j++) {
          if (self && j === i) continue;
          const d = values[i * width + j]!;
          if (r[j] === y[i]) {
            if (isInverted ? d < posMargin : d > posMargin) {
              a1.push(i);
              p.push(j);
            }
          } else if (isInverted ? d > negMargin : d < negMargin) {
            a2.push(i);
            n.push(j);
          }
        }
      }
      return pairIndices(a1, p, a2, n);
    },
  };
}
