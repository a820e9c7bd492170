import * as tf from '@tensorflow/tfjs-core';
import type { Distance } from '@xent/core';
import { lpNormalize } from './lp-norm.js';

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
  pairwise(a: tf.Tensor, b: tf.Tensor | undefined): tf.Tensor;
  paired(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
}

/** Wraps the raw formulas with the optional row normalisation (PML's, with the distance's p) and a tidy scope. */
export function makeDistance(parts: DistanceParts): MetricDistance {
  const order = parts.normalizationOrder ?? 2;
  const prepare = (x: tf.Tensor) => (parts.normalizeEmbeddings ? lpNormalize(x, order) : x);
  return {
    name: parts.name,
    isInverted: parts.isInverted,
    normalizeEmbeddings: parts.normalizeEmbeddings,
    normalizationOrder: order,
    pairwise: (a, b) => tf.tidy(() => parts.pairwise(prepare(a), b === undefined ? undefined : prepare(b))),
    paired: (a, b) => tf.tidy(() => parts.paired(prepare(a), prepare(b))),
  };
}

/**
 * PML's direction-agnostic `margin(x, y)`: `x − y` for a distance, `y − x` for a similarity, so
 * "how far x is beyond y, in the worse direction" reads the same for both.
 */
export function marginOf(distance: Distance, x: tf.Tensor | number, y: tf.Tensor | number): tf.Tensor {
  return distance.isInverted ? tf.sub(y, x) : tf.sub(x, y);
}
