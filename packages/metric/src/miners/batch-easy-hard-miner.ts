import { type Miner, type OptionSchema, resolveOptions, XentError } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import type { MetricDistance } from '../distances/make-distance.js';
import { pairIndices, readBatch } from './host-matrix.js';

/** How {@link batchEasyHardMiner} picks one positive or negative per anchor, or keeps all. */
export type EasyHardStrategy = 'hard' | 'semihard' | 'easy' | 'all';

/** Options of {@link batchEasyHardMiner}. */
export interface BatchEasyHardMinerOptions {
  /** @defaultValue 'easy' */
  readonly posStrategy?: EasyHardStrategy;
  /** @defaultValue 'semihard' */
  readonly negStrategy?: EasyHardStrategy;
  /** Only positives with a distance (or similarity) in [low, high]. @defaultValue none */
  readonly allowedPosRange?: readonly [number, number];
  /** Only negatives with a distance (or similarity) in [low, high]. @defaultValue none */
  readonly allowedNegRange?: readonly [number, number];
  /** @defaultValue lpDistance() */
  readonly distance?: MetricDistance;
}

const STRATEGIES: readonly EasyHardStrategy[] = ['hard', 'semihard', 'easy', 'all'];
const FN = 'batchEasyHardMiner';
const OPTIONS: OptionSchema<BatchEasyHardMinerOptions> = {
  posStrategy: { type: 'enum', values: STRATEGIES, description: "'hard' | 'semihard' | 'easy' | 'all'" },
  negStrategy: { type: 'enum', values: STRATEGIES, description: "'hard' | 'semihard' | 'easy' | 'all'" },
  allowedPosRange: { type: 'other', description: 'positives kept within [low, high]' },
  allowedNegRange: { type: 'other', description: 'negatives kept within [low, high]' },
  distance: { type: 'other', plugin: 'distance', description: 'a Distance' },
};

/**
 * One positive and/or one negative per anchor by strategy (Xuan et al., "Improved Embeddings with
 * Easy Positive Triplet Mining", WACV 2020; PML's `BatchEasyHardMiner`): `'easy'` positive = closest,
 * `'hard'` positive = farthest, `'hard'` negative = closest, `'easy'` negative = farthest; `'semihard'`
 * is relative to the other side's pick (a negative farther than the chosen positive, the closest such;
 * a positive closer than the chosen negative, the farthest such); `'all'` keeps every pair. Returns
 * pairs (a, p, a, n); anchors missing a side are dropped when both sides pick one.
 *
 * @see https://arxiv.org/abs/1904.04370
 * @example const loss = contrastiveLoss(embeddings, labels, { miner: batchEasyHardMiner({ negStrategy: 'hard' }) });
 */
export function batchEasyHardMiner(options: BatchEasyHardMinerOptions = {}): Miner {
  resolveOptions(FN, OPTIONS, options);
  const pos = options.posStrategy ?? 'easy';
  const neg = options.negStrategy ?? 'semihard';
  for (const [name, value] of [
    ['posStrategy', pos],
    ['negStrategy', neg],
  ] as const)
    if (!STRATEGIES.includes(value))
      throw new XentError('INVALID_OPTION', {
        fn: FN,
        argument: `options.${name}`,
        expected: "'hard' | 'semihard' | 'easy' | 'all'",
        received: String(value),
      });
  if ((pos === 'semihard' && (neg === 'semihard' || neg === 'all')) || (neg === 'semihard' && pos === 'all'))
    throw new XentError('INVALID_OPTION', {
      fn: FN,
      argument: 'options.negStrategy',
      expected: "'semihard' with a 'hard' or 'easy' other side",
      received: `posStrategy '${pos}', negStrategy '${neg}'`,
    });
  const distance = options.distance ?? lpDistance();
  return {
    name: `batchEasyHard(${pos}, ${neg})`,
    mine(embeddings, labels, reference) {
      const {
        size,
        width,
        values,
        labels: y,
        refLabels: r,
        self,
        isInverted,
      } = readBatch('batchEasyHardMiner.mine', distance, embeddings, labels, reference);
      // "max" = farthest for a distance; the roles flip for a similarity.
      const far = !isInverted;
      type Pick = { index: number; value: number } | undefined;
      const pick = (
        i: number,
        same: boolean,
        takeMax: boolean,
        range: readonly [number, number] | undefined,
        threshold: number | undefined,
      ): Pick => {
        let best: Pick;
        for (let j = 0; j < width; j++) {
          if ((self && j === i) || (r[j] === y[i]) !== same) continue;
          const v = values[i * width + j]!;
          if (range && (v < range[0] || v > range[1])) continue;
          if (threshold !== undefined && (takeMax ? v >= threshold : v <= threshold)) continue;
          if (!best || (takeMax ? v > best.value : v < best.value)) best = { index: j, value: v };
        }
        return best;
      };
      // Positives: hard/semihard = farthest, easy = closest. Negatives: hard/semihard = closest, easy = farthest.
      const posMax = pos === 'easy' ? !far : far;
      const negMax = neg === 'easy' ? far : !far;
      const a1: number[] = [];
      const p: number[] = [];
      const a2: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < size; i++) {
        let chosenPos: Pick;
        let chosenNeg: Pick;
        if (pos === 'semihard') {
          chosenNeg = pick(i, false, negMax, options.allowedNegRange, undefined);
          chosenPos = pick(i, true, posMax, options.allowedPosRange, chosenNeg?.value ?? Number.NaN);
        } else if (neg === 'semihard') {
          chosenPos = pick(i, true, posMax, options.allowedPosRange, undefined);
          chosenNeg = pick(i, false, negMax, options.allowedNegRange, chosenPos?.value ?? Number.NaN);
        } else {
          if (pos !== 'all') chosenPos = pick(i, true, posMax, options.allowedPosRange, undefined);
          if (neg !== 'all') chosenNeg = pick(i, false, negMax, options.allowedNegRange, undefined);
        }
        const both = pos !== 'all' && neg !== 'all';
        if (both && !(chosenPos && chosenNeg)) continue;
        if (pos === 'all' || neg === 'all') {
          for (let j = 0; j < width; j++) {
            if (self && j === i) continue;
            if (pos === 'all' && r[j] === y[i]) {
              a1.push(i);
              p.push(j);
            }
            if (neg === 'all' && r[j] !== y[i]) {
              a2.push(i);
              n.push(j);
            }
          }
        }
        if (chosenPos) {
          a1.push(i);
          p.push(chosenPos.index);
        }
        if (chosenNeg) {
          a2.push(i);
          n.push(chosenNeg.index);
        }
      }
      return pairIndices(a1, p, a2, n);
    },
  };
}
