import * as tf from '@tensorflow/tfjs-core';
import { invalidOption, type LossPart, type OptionSchema, type Reducer, resolveOptions } from '@xent/core';

/**
 * A loss part that may carry per-element multiplicities `weights` (same shape as `losses`): the count
 * of times each pair or triplet was mined. Entries with weight 0 are not part of the set.
 */
export interface WeightedLossPart extends LossPart {
  readonly weights?: tf.Tensor;
  /**
   * int32 `[T]`: the anchor (batch row) of each element, for triplet parts. Pair parts are `[B, M]`
   * matrices whose row is the anchor; element parts `[B]` are indexed by it.
   */
  readonly anchors?: tf.Tensor;
}

/** The reducers of this package: a mean over the elements whose loss lies in (low, high). */
export interface FilterReducer extends Reducer {
  /** Keep losses strictly above this. */
  readonly low: number | undefined;
  /** Keep losses strictly below this. */
  readonly high: number | undefined;
}

/** Options of {@link thresholdReducer}. */
export interface ThresholdReducerOptions {
  /** Keep losses with ℓ > low. @defaultValue none */
  readonly low?: number;
  /** Keep losses with ℓ < high. @defaultValue none */
  readonly high?: number;
}

const THRESHOLD_OPTIONS: OptionSchema<ThresholdReducerOptions> = {
  low: { type: 'number', description: 'keep losses strictly above this' },
  high: { type: 'number', description: 'keep losses strictly below this' },
};

/** True for the reducers made here, whose statistics the blocked all-triplet path can compute itself. */
export function isFilterReducer(reducer: Reducer): reducer is FilterReducer {
  return 'low' in reducer && 'high' in reducer;
}

/**
 * `keep` times 1[ℓ > low] and 1[ℓ < high] (each where given), with a zero gradient: `step(ℓ − low)` is
 * 1[ℓ > low] (tfjs comparisons have no gradient, `step` has a zero one; on tfjs-wasm, comparisons
 * against a scalar also take the slow broadcasting path).
 */
export function keepWithin(
  keep: tf.Tensor,
  losses: tf.Tensor,
  low: number | undefined,
  high: number | undefined,
): tf.Tensor {
  let kept = keep;
  if (low !== undefined) kept = tf.mul(kept, tf.step(tf.sub(losses, low)));
  if (high !== undefined) kept = tf.mul(kept, tf.step(tf.sub(high, losses)));
  return kept;
}

/** 0/1 float mask of the losses the reducer keeps, with a zero gradient (see {@link keepWithin}). */
export function keepMask(reducer: FilterReducer, losses: tf.Tensor): tf.Tensor {
  return tf.tidy(() => keepWithin(tf.onesLike(losses), losses, reducer.low, reducer.high));
}

function makeFilterReducer(name: string, low: number | undefined, high: number | undefined): FilterReducer {
  const reducer: FilterReducer = {
    name,
    low,
    high,
    reduce: (parts) =>
      tf.tidy(() => {
        let total: tf.Tensor = tf.scalar(0);
        for (const part of parts as readonly WeightedLossPart[]) {
          if (part.kind === 'reduced') {
            total = tf.add(total, tf.sum(part.losses));
            continue;
          }
          const keep = part.weights
            ? tf.mul(keepMask(reducer, part.losses), part.weights)
            : keepMask(reducer, part.losses);
          const count = tf.sum(keep);
          // Nothing kept: Σ = 0 with a zero gradient, divided by 1.
          total = tf.add(total, tf.div(tf.sum(tf.mul(part.losses, keep)), tf.maximum(count, 1)));
        }
        return total as tf.Scalar;
      }),
  };
  return reducer;
}

/**
 * Mean over the losses strictly inside (low, high) (PML's `ThresholdReducer`); 0 with a zero gradient
 * when none is. Unknown or non-finite options and low ≥ high throw `INVALID_OPTION`. Parts (e.g. positive and negative pairs) are reduced separately, then summed.
 *
 * @example const reducer = thresholdReducer({ low: 0.1 });
 */
export function thresholdReducer(options: ThresholdReducerOptions = {}): FilterReducer {
  const { low, high } = resolveOptions('thresholdReducer', THRESHOLD_OPTIONS, options);
  if (low !== undefined && high !== undefined && low >= high)
    invalidOption('thresholdReducer', 'high', `a number above low = ${low}`, high);
  return makeFilterReducer('threshold', low, high);
}

/** Mean over every element (PML's `MeanReducer`); each part separately, then summed. */
export function meanReducer(options: Record<never, never> = {}): FilterReducer {
  resolveOptions('meanReducer', {}, options);
  return makeFilterReducer('mean', undefined, undefined);
}

/** Mean over the strictly positive losses (PML's `AvgNonZeroReducer` = threshold with low 0). */
export function avgNonZeroReducer(options: Record<never, never> = {}): FilterReducer {
  resolveOptions('avgNonZeroReducer', {}, options);
  return makeFilterReducer('avgNonZero', 0, undefined);
}
