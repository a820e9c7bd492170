import * as tf from '@tensorflow/tfjs-core';
import { l2Distance, type OptionSchema, resolveOptions, safeSqrt, squaredL2 } from '@xent/core';
import { type MetricDistance, makeDistance } from './make-distance.js';

/** Options of {@link lpDistance}. */
export interface LpDistanceOptions {
  /** The norm's order p ≥ 1. @defaultValue 2 */
  readonly p?: number;
  /** L2-normalise rows first (PML's default for every distance). @defaultValue true */
  readonly normalizeEmbeddings?: boolean;
  /** Raise each distance to this power (2 gives squared Euclidean). @defaultValue 1 */
  readonly power?: number;
}

const LP_OPTIONS: OptionSchema<LpDistanceOptions> = {
  p: { type: 'number', min: 1, description: "the norm's order p" },
  normalizeEmbeddings: { type: 'boolean', description: 'L2-normalise rows first' },
  power: { type: 'number', min: 0, exclusiveMin: true, description: 'exponent applied to each distance' },
};

/** (Σ |x|^p)^(1/p) along the last axis with a zero gradient where the sum is 0. */
function lpNorm(diff: tf.Tensor, p: number): tf.Tensor {
  if (p === 1) return tf.sum(tf.abs(diff), -1);
  if (p === 2) return safeSqrt(tf.sum(tf.square(diff), -1));
  const sum = tf.sum(tf.pow(tf.abs(diff), p), -1);
  // step(sum) = 1[sum > 0] with a zero gradient; the root's gradient is infinite at 0, so use 1 there.
  const positive = tf.step(sum);
  const safe = tf.add(tf.mul(sum, positive), tf.sub(1, positive));
  return tf.mul(tf.pow(safe, 1 / p), positive);
}

/**
 * Minkowski distance ‖aᵢ − bⱼ‖_p (PML's `LpDistance`), by default Euclidean on L2-normalised rows, so
 * d ∈ [0, 2]. Unknown, non-finite or out-of-range options throw `INVALID_OPTION`. The Euclidean path is ‖a‖² + ‖b‖² − 2a·b (one matmul) with a zero gradient at d = 0.
 *
 * @defaultValue `{ p: 2, normalizeEmbeddings: true, power: 1 }`
 * @example const distance = lpDistance({ normalizeEmbeddings: false });
 */
export function lpDistance(options: LpDistanceOptions = {}): MetricDistance {
  const { p, power, normalizeEmbeddings } = resolveOptions('lpDistance', LP_OPTIONS, options, {
    p: 2,
    power: 1,
    normalizeEmbeddings: true,
  });
  const raise = (d: tf.Tensor) => (power === 1 ? d : tf.pow(d, power));
  return makeDistance({
    name: `lp(p=${p})`,
    isInverted: false,
    normalizeEmbeddings,
    pairwise: (a, b) => {
      if (p === 2) return power === 2 ? squaredL2(a, b) : raise(l2Distance(a, b));
      const other = b ?? a;
      return raise(lpNorm(tf.sub(tf.expandDims(a, 1), tf.expandDims(other, 0)), p));
    },
    paired: (a, b) => {
      const diff = tf.sub(a, b);
      return p === 2 && power === 2 ? tf.sum(tf.square(diff), -1) : raise(lpNorm(diff, p));
    },
  });
}
