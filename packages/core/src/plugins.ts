import type * as tf from '@tensorflow/tfjs-core';

/**
 * A pairwise distance or similarity (pytorch-metric-learning's `BaseDistance`). `pairwise(a, b)` gives
 * `[N, M]`; `isInverted` is true for similarities, where larger means closer.
 */
export interface Distance {
  readonly name: string;
  readonly isInverted: boolean;
  pairwise(a: tf.Tensor, b?: tf.Tensor): tf.Tensor;
  /** Elementwise distance of matched rows `[N, D] × [N, D] → [N]`. */
  paired(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
}

/** Index tensors of mined pairs: anchor/positive and anchor/negative (int32 `[P]`, `[Q]`). */
export interface PairIndices {
  readonly kind: 'pairs';
  readonly anchorsPositive: tf.Tensor;
  readonly positives: tf.Tensor;
  readonly anchorsNegative: tf.Tensor;
  readonly negatives: tf.Tensor;
}

/** Index tensors of mined triplets (int32 `[T]` each). */
export interface TripletIndices {
  readonly kind: 'triplets';
  readonly anchors: tf.Tensor;
  readonly positives: tf.Tensor;
  readonly negatives: tf.Tensor;
}

/** Selects informative pairs or triplets from a batch (pytorch-metric-learning's miners). */
export interface Miner {
  readonly name: string;
  mine(
    embeddings: tf.Tensor,
    labels: tf.Tensor,
    reference?: { embeddings: tf.Tensor; labels: tf.Tensor },
  ): PairIndices | TripletIndices;
}

/** One group of un-reduced losses, with what each element is (PML's loss dictionary, typed). */
export interface LossPart {
  readonly losses: tf.Tensor;
  readonly kind: 'element' | 'pos-pair' | 'neg-pair' | 'triplet' | 'reduced';
}

/** Combines loss parts into a scalar (pytorch-metric-learning's reducers). */
export interface Reducer {
  readonly name: string;
  reduce(parts: readonly LossPart[]): tf.Scalar;
}
