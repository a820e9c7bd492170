import { type Miner, type OptionSchema, resolveOptions, seededRandom } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { readBatch, tripletIndices } from './host-matrix.js';

/** Options of {@link distanceWeightedMiner}. */
export interface DistanceWeightedMinerOptions {
  /** Distances below this are raised to it before weighting (limits variance). @defaultValue 0.5 */
  readonly cutoff?: number;
  /** Negatives at this distance or farther get weight 0 (they give no loss). @defaultValue 1.4 */
  readonly nonzeroLossCutoff?: number;
  /** Seed of the sampling. @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Distance-weighted sampling (Wu et al., "Sampling Matters in Deep Embedding Learning", ICCV 2017;
 * PML's `DistanceWeightedMiner`), on Euclidean distances of L2-normalised rows in D dimensions: for
 * each anchor and each of its positives (with replacement, as many draws as the class has members),
 * one negative drawn with probability ∝ 1/q(d), q(d) ∝ d^{D−2}(1 − d²/4)^{(D−3)/2} the density of
 * distances between uniform points on the sphere, with d clamped to ≥ `cutoff` and weight 0 at
 * d ≥ `nonzeroLossCutoff`. Seeded: a miner made with the same seed draws the same triplets on its n-th call for the same inputs. Anchors whose
 * negatives all weigh 0 are skipped. Returns triplets.
 *
 * @see https://arxiv.org/abs/1706.07567
 * @example const loss = marginLoss(embeddings, labels, { miner: distanceWeightedMiner({ seed: 1 }) });
 */
const OPTIONS: OptionSchema<DistanceWeightedMinerOptions> = {
  cutoff: { type: 'number', min: 0, exclusiveMin: true, description: 'lower distance cutoff > 0' },
  nonzeroLossCutoff: { type: 'number', min: 0, exclusiveMin: true, description: 'upper distance cutoff > 0' },
  seed: { type: 'number', integer: true, description: 'seed of the host random stream (every integer)' },
};

export function distanceWeightedMiner(options: DistanceWeightedMinerOptions = {}): Miner {
  const resolved = resolveOptions('distanceWeightedMiner', OPTIONS, options, {
    cutoff: 0.5,
    nonzeroLossCutoff: 1.4,
    seed: 0,
  });
  const cutoff = resolved.cutoff;
  const nonzero = resolved.nonzeroLossCutoff;
  const distance = lpDistance();
  let calls = 0;
  return {
    name: 'distanceWeighted',
    mine(embeddings, labels, reference) {
      const random = seededRandom(resolved.seed + 0x9e3779b9 * calls++);
      const dim = embeddings.shape[1]!;
      const {
        size,
        width,
        values,
        labels: y,
        refLabels: r,
        self,
      } = readBatch('distanceWeightedMiner.mine', distance, embeddings, labels, reference);
      // log 1/q(d) per pair, then exp(· − max) over the negatives of the whole batch (PML's stabiliser).
      const logWeight = (d: number) => {
        const c = Math.max(d, cutoff);
        return (2 - dim) * Math.log(c) - ((dim - 3) / 2) * Math.log(1 - 0.25 * c * c);
      };
      let maxLog = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < size; i++)
        for (let j = 0; j < width; j++) {
          const v = logWeight(values[i * width + j]!);
          if (r[j] !== y[i] && Number.isFinite(v)) maxLog = Math.max(maxLog, v);
        }
      const a: number[] = [];
      const p: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < size; i++) {
        const positives: number[] = [];
        const negatives: number[] = [];
        const weights: number[] = [];
        for (let j = 0; j < width; j++) {
          if (self && j === i) continue;
          if (r[j] === y[i]) positives.push(j);
          else {
            const d = values[i * width + j]!;
            const lw = logWeight(d);
            negatives.push(j);
            weights.push(Number.isFinite(lw) && d < nonzero ? Math.exp(lw - maxLog) : 0);
          }
        }
        const total = weights.reduce((s, w) => s + w, 0);
        if (positives.length === 0 || !(total > 0)) continue;
        // As many draws as the class has members in the reference (PML's t_per_anchor = n_p).
        const draws = positives.length + (self ? 1 : 0);
        for (let t = 0; t < draws; t++) {
          const positive = positives[Math.floor(random() * positives.length)]!;
          let u = random() * total;
          let k = 0;
          while (k < weights.length - 1 && u >= weights[k]!) u -= weights[k++]!;
          a.push(i);
          p.push(positive);
          n.push(negatives[k]!);
        }
      }
      return tripletIndices(a, p, n);
    },
  };
}
