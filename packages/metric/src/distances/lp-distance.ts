import * as tf from '@tensorflow/tfjs-core';
import { l2Distance, type OptionSchema, resolveOptions, squaredL2 } from '@xent/core';
import { lpNorm, lpNormalize } from './lp-norm.js';
import { type MetricDistance, makeDistance } from './make-distance.js';

/** Options of {@link lpDistance}. */
export interface LpDistanceOptions {
  /** The norm's order p ≥ 1. @defaultValue 2 */
  readonly p?: number;
  /**
   * Normalise rows to unit L_p norm first, with the same p as the distance (PML's default for every
   * distance: `F.normalize(x, p)`), so `{ p: 1 }` scales rows to unit L1 norm. @defaultValue true
   */
  readonly normalizeEmbeddings?: boolean;
  /** Raise each distance to this power (2 gives squared Euclidean). @defaultValue 1 */
  readonly power?: number;
}

const LP_OPTIONS: OptionSchema<LpDistanceOptions> = {
  p: { type: 'number', min: 1, description: "the norm's order p" },
  normalizeEmbeddings: { type: 'boolean', description: 'normalise rows (with the same p) first' },
  power: { type: 'number', min: 0, exclusiveMin: true, description: 'exponent applied to each distance' },
};

/**
 * Minkowski distance ‖aᵢ − bⱼ‖_p (PML's `LpDistance`), by default Euclidean on L2-normalised rows, so
 * d ∈ [0, 2]. Like PML, rows are normalised with the same p as the distance (x / max(‖x‖_p, 1e-12)),
 * so d ∈ [0, 2] for every p. The Euclidean path is ‖a‖² + ‖b‖² − 2a·b (one matmul) with a zero gradient at d = 0.
 * Unknown, non-finite or out-of-range options throw `INVALID_OPTION`.
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
    name: `lp(p=${p}${power === 1 ? '' : `,power=${power}`}${normalizeEmbeddings ? '' : ',unnormalized'})`,
    isInverted: false,
    normalizeEmbeddings,
    normalizationOrder: p,
    normalize: (x) => lpNormalize(x, p),
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
