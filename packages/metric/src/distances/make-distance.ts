import * as tf from '@tensorflow/tfjs-core';
import { type Distance, l2Normalize } from '@xent/core';
import { pairwiseShare, unshared } from '../internal/pairwise-share.js';

/**
 * A {@link Distance} that also says whether it normalises its inputs first (PML's
 * `normalize_embeddings`) and with which norm (PML's `p`).
 */
export interface MetricDistance extends Distance {
  readonly normalizeEmbeddings: boolean;
  /** The p of the row normalisation x / max(‖x‖_p, ε): the distance's own p, 2 for the similarities. */
  readonly normalizationOrder: number;
}

interface DistanceParts {
  readonly name: string;
  readonly isInverted: boolean;
  readonly normalizeEmbeddings: boolean;
  /** @defaultValue 2 */
  readonly normalizationOrder?: number;
  /**
   * The row normalisation for that order (`lpNormalize(x, p)`). Passed in, not derived from the order, so
   * the similarities (p = 2) do not bundle the general L_p norm. @defaultValue core's l2Normalize
   */
  readonly normalize?: (x: tf.Tensor) => tf.Tensor;
  pairwise(a: tf.Tensor, b: tf.Tensor | undefined): tf.Tensor;
  paired(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
}

/**
 * Wraps the raw formulas with the optional row normalisation (PML's, with the distance's p) and a tidy
 * scope; inside `sharePairwise`, `pairwise` is computed once per (name, operands): the name must then
 * identify the formula, normalisation included (every option that changes it).
 */
export function makeDistance(parts: DistanceParts): MetricDistance {
  const { normalize = l2Normalize, normalizationOrder = 2, pairwise, paired, ...rest } = parts;
  const prepare = (x: tf.Tensor) => (parts.normalizeEmbeddings ? normalize(x) : x);
  return {
    ...rest,
    normalizationOrder,
    // Inside sharePairwise: one matrix per distance (its name) and operands.
    pairwise: (a, b) =>
      (pairwiseShare.memo ?? unshared)(`${parts.name} ${a.id} ${b?.id}`, () =>
        tf.tidy(() => pairwise(prepare(a), b === undefined ? undefined : prepare(b))),
      ),
    paired: (a, b) => tf.tidy(() => paired(prepare(a), prepare(b))),
  };
}

/**
 * PML's direction-agnostic `margin(x, y)`: `x − y` for a distance, `y − x` for a similarity, so
 * "how far x is beyond y, in the worse direction" reads the same for both.
 */
export function marginOf(distance: Distance, x: tf.Tensor | number, y: tf.Tensor | number): tf.Tensor {
  return distance.isInverted ? tf.sub(y, x) : tf.sub(x, y);
}
