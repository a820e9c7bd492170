import * as tf from '@tensorflow/tfjs-core';
import { type Distance, l2Normalize } from '@xent/core';

/** A {@link Distance} that also says whether it L2-normalises its inputs first (PML's `normalize_embeddings`). */
export interface MetricDistance extends Distance {
  readonly normalizeEmbeddings: boolean;
}

interface DistanceParts {
  readonly name: string;
  readonly isInverted: boolean;
  readonly normalizeEmbeddings: boolean;
  pairwise(a: tf.Tensor, b: tf.Tensor | undefined): tf.Tensor;
  paired(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
}

/** Wraps the raw formulas with the optional row normalisation and a tidy scope. */
export function makeDistance(parts: DistanceParts): MetricDistance {
  const prepare = (x: tf.Tensor) => (parts.normalizeEmbeddings ? l2Normalize(x) : x);
  return {
    name: parts.name,
    isInverted: parts.isInverted,
    normalizeEmbeddings: parts.normalizeEmbeddings,
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
