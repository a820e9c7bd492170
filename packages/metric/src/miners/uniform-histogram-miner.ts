import { type Miner, type OptionSchema, resolveOptions, seededRandom } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import type { MetricDistance } from '../distances/make-distance.js';
import { pairIndices, readBatch } from './host-matrix.js';

/** Options of {@link uniformHistogramMiner}. */
export interface UniformHistogramMinerOptions {
  /** Equal-width bins between the smallest and largest pair value, per set. @defaultValue 100 */
  readonly numBins?: number;
  /** Positive pairs drawn (with replacement) from each non-empty bin. @defaultValue 10 */
  readonly posPerBin?: number;
  /** Negative pairs drawn (with replacement) from each non-empty bin. @defaultValue 10 */
  readonly negPerBin?: number;
  /** @defaultValue lpDistance() */
  readonly distance?: MetricDistance;
  /** Seed of the sampling. @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Pairs spread uniformly over their distance range (PML's `UniformHistogramMiner`): the positive and
 * the negative pairs are each binned into `numBins` equal-width bins from their min to max value
 * (the last bin closed), and `posPerBin` / `negPerBin` pairs are drawn with replacement from every
 * non-empty bin. Seeded (the n-th call of a miner made with the same seed repeats). Returns pairs.
 *
 * @example const loss = contrastiveLoss(embeddings, labels, { miner: uniformHistogramMiner({ numBins: 20 }) });
 */
const OPTIONS: OptionSchema<UniformHistogramMinerOptions> = {
  numBins: { type: 'number', min: 1, max: 1e6, integer: true, description: 'histogram bins, 1 … 10⁶' },
  posPerBin: { type: 'number', min: 1, max: 1e6, integer: true, description: 'positives per bin, 1 … 10⁶' },
  negPerBin: { type: 'number', min: 1, max: 1e6, integer: true, description: 'negatives per bin, 1 … 10⁶' },
  distance: { type: 'other', plugin: 'distance', description: 'a Distance' },
  seed: { type: 'number', integer: true, description: 'seed of the host random stream (every integer)' },
};

export function uniformHistogramMiner(options: UniformHistogramMinerOptions = {}): Miner {
  const resolved = resolveOptions('uniformHistogramMiner', OPTIONS, options, {
    numBins: 100,
    posPerBin: 10,
    negPerBin: 10,
    seed: 0,
  });
  const { numBins, posPerBin, negPerBin } = resolved;
  const distance = resolved.distance ?? lpDistance();
  let calls = 0;
  return {
    name: 'uniformHistogram',
    mine(embeddings, labels, reference) {
      const random = seededRandom(resolved.seed + 0x9e3779b9 * calls++);
      const {
        size,
        width,
        values,
        labels: y,
        refLabels: r,
        self,
      } = readBatch('uniformHistogramMiner.mine', distance, embeddings, labels, reference);
      const sets = { pos: [] as number[], neg: [] as number[] };
      for (let i = 0; i < size; i++)
        for (let j = 0; j < width; j++)
          if (!(self && j === i)) (r[j] === y[i] ? sets.pos : sets.neg).push(i * width + j);
      const sample = (flat: number[], perBin: number) => {
        if (flat.length === 0) return [];
        const v = flat.map((f) => values[f]!);
        const [low, high] = [Math.min(...v), Math.max(...v)];
        const step = (high - low) / numBins;
        const bins: number[][] = Array.from({ length: numBins }, () => []);
        v.forEach((x, k) => {
          // Bin b holds [low + b·step, low + (b+1)·step), the last one closed at high.
          const b = step > 0 ? Math.min(numBins - 1, Math.floor((x - low) / step)) : 0;
          bins[b]!.push(flat[k]!);
        });
        return bins.flatMap((bin) =>
          bin.length ? Array.from({ length: perBin }, () => bin[Math.floor(random() * bin.length)]!) : [],
        );
      };
      const pos = sample(sets.pos, posPerBin);
      const neg = sample(sets.neg, negPerBin);
      return pairIndices(
        pos.map((f) => Math.floor(f / width)),
        pos.map((f) => f % width),
        neg.map((f) => Math.floor(f / width)),
        neg.map((f) => f % width),
      );
    },
  };
}
