import { type Miner, type OptionSchema, resolveOptions } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import type { MetricDistance } from '../distances/make-distance.js';
import { minerDistanceSpec, readBatch, tripletIndices } from './host-matrix.js';

/** Which triplets {@link tripletMarginMiner} keeps, by tm = d_an − d_ap (s_ap − s_an for similarities). */
export type TripletType = 'all' | 'hard' | 'semihard' | 'easy';

/** Options of {@link tripletMarginMiner}. */
export interface TripletMarginMinerOptions {
  /** @defaultValue 0.2 */
  readonly margin?: number;
  /** 'all': tm ≤ m; 'hard': tm ≤ 0; 'semihard': 0 < tm ≤ m; 'easy': tm > m. @defaultValue 'all' */
  readonly type?: TripletType;
  /** @defaultValue lpDistance() */
  readonly distance?: MetricDistance;
}

const OPTIONS: OptionSchema<TripletMarginMinerOptions> = {
  margin: { type: 'number', description: 'margin m' },
  type: { type: 'enum', values: ['all', 'hard', 'semihard', 'easy'], description: 'which triplets to keep' },
  distance: minerDistanceSpec,
};

/**
 * Triplets (a, p, n) whose margin tm = d_an − d_ap falls in the chosen band (PML's `TripletMarginMiner`).
 * Loops per anchor over its positives and negatives on the host; no B³ array.
 *
 * @example const miner = tripletMarginMiner({ margin: 0.2, type: 'semihard' });
 */
export function tripletMarginMiner(options: TripletMarginMinerOptions = {}): Miner {
  const {
    margin,
    type,
    distance = lpDistance(),
  } = resolveOptions('tripletMarginMiner', OPTIONS, options, { margin: 0.2, type: 'all' });
  const keep: Record<TripletType, (tm: number) => boolean> = {
    all: (tm) => tm <= margin,
    hard: (tm) => tm <= margin && tm <= 0,
    semihard: (tm) => tm > 0 && tm <= margin,
    easy: (tm) => tm > margin,
  };
  const accept = keep[type];
  return {
    name: `tripletMargin(${type})`,
    mine(embeddings, labels, reference) {
      const {
        size,
        width,
        values,
        labels: y,
        refLabels: r,
        self,
        isInverted,
      } = readBatch('tripletMarginMiner.mine', distance, embeddings, labels, reference);
      const sign = isInverted ? -1 : 1;
      const a: number[] = [];
      const p: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < size; i++) {
        const row = i * width;
        for (let j = 0; j < width; j++) {
          if ((self && j === i) || r[j] !== y[i]) continue;
          const ap = values[row + j]!;
          for (let k = 0; k < width; k++) {
            if (r[k] === y[i]) continue;
            if (accept(sign * (values[row + k]! - ap))) {
              a.push(i);
              p.push(j);
              n.push(k);
            }
          }
        }
      }
      return tripletIndices(a, p, n);
    },
  };
}
