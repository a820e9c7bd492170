import { type Miner, type OptionSchema, resolveOptions } from '@xent/core';
import { cosineSimilarity } from '../distances/cosine-similarity.js';
import type { MetricDistance } from '../distances/make-distance.js';
import { minerDistanceSpec, pairIndices, readBatch } from './host-matrix.js';

/** Options of {@link multiSimilarityMiner}. */
export interface MultiSimilarityMinerOptions {
  /** Mining margin ε. @defaultValue 0.1 */
  readonly epsilon?: number;
  /** @defaultValue cosineSimilarity() */
  readonly distance?: MetricDistance;
}

const OPTIONS: OptionSchema<MultiSimilarityMinerOptions> = {
  epsilon: { type: 'number', min: 0, description: 'mining margin ε' },
  distance: minerDistanceSpec,
};

/**
 * Multi-Similarity pair mining (Wang et al. 2019): for anchor i keep negative k if
 * S_ik + ε > min_{j∈P_i} S_ij, and positive j if S_ij − ε < max_{k∈N_i} S_ik (mirrored for a distance).
 * An anchor without positives keeps no negatives and vice versa.
 *
 * @see https://arxiv.org/abs/1904.06627
 * @example const miner = multiSimilarityMiner({ epsilon: 0.1 });
 */
export function multiSimilarityMiner(options: MultiSimilarityMinerOptions = {}): Miner {
  const { epsilon, distance = cosineSimilarity() } = resolveOptions(
    'multiSimilarityMiner',
    OPTIONS,
    options,
    {
      epsilon: 0.1,
    },
  );
  return {
    name: 'multiSimilarity',
    mine(embeddings, labels, reference) {
      const {
        size,
        width,
        values,
        labels: y,
        refLabels: r,
        self,
        isInverted,
      } = readBatch('multiSimilarityMiner.mine', distance, embeddings, labels, reference);
      // Similarity orientation: larger = closer.
      const sign = isInverted ? 1 : -1;
      const a1: number[] = [];
      const p: number[] = [];
      const a2: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < size; i++) {
        let hardestPos = Number.POSITIVE_INFINITY;
        let hardestNeg = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < width; j++) {
          if (self && j === i) continue;
          const s = sign * values[i * width + j]!;
          if (r[j] === y[i]) hardestPos = Math.min(hardestPos, s);
          else hardestNeg = Math.max(hardestNeg, s);
        }
        for (let j = 0; j < width; j++) {
          if (self && j === i) continue;
          const s = sign * values[i * width + j]!;
          if (r[j] === y[i]) {
            if (s - epsilon < hardestNeg) {
              a1.push(i);
              p.push(j);
            }
          } else if (s + epsilon > hardestPos) {
            a2.push(i);
            n.push(j);
          }
        }
      }
      return pairIndices(a1, p, a2, n);
    },
  };
}
