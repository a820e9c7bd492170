import * as tf from '@tensorflow/tfjs-core';
import type { Distance, PairIndices, TripletIndices } from '@xent/core';

/** A pairwise matrix and the labels read to the host, for mining (no gradient flows through mining). */
export interface HostBatch {
  /** Rows: the queries (the batch). */
  readonly size: number;
  /** Columns: the reference set (the batch itself unless a reference is given). */
  readonly width: number;
  /** `[size, width]`, row-major. */
  readonly values: Float32Array;
  readonly labels: Int32Array;
  /** Labels of the columns. */
  readonly refLabels: Int32Array;
  /** True when the columns are the batch itself: skip j = i. */
  readonly self: boolean;
  readonly isInverted: boolean;
}

/**
 * Computes the query × reference distance matrix and reads it with the labels (needs synchronous reads:
 * cpu, wasm, webgl). Without `reference` the batch is its own reference.
 */
export function readBatch(
  distance: Distance,
  embeddings: tf.Tensor,
  labels: tf.Tensor,
  reference?: { embeddings: tf.Tensor; labels: tf.Tensor },
): HostBatch {
  const matrix = tf.tidy(() => distance.pairwise(embeddings, reference?.embeddings));
  const values = matrix.dataSync() as Float32Array;
  matrix.dispose();
  const ids = Int32Array.from(labels.dataSync());
  return {
    size: embeddings.shape[0]!,
    width: reference ? reference.embeddings.shape[0]! : embeddings.shape[0]!,
    values,
    labels: ids,
    refLabels: reference ? Int32Array.from(reference.labels.dataSync()) : ids,
    self: reference === undefined,
    isInverted: distance.isInverted,
  };
}

/** Triplet indices from three host arrays. */
export function tripletIndices(a: number[], p: number[], n: number[]): TripletIndices {
  return {
    kind: 'triplets',
    anchors: tf.tensor1d(a, 'int32'),
    positives: tf.tensor1d(p, 'int32'),
    negatives: tf.tensor1d(n, 'int32'),
  };
}

/** Pair indices from four host arrays. */
export function pairIndices(a1: number[], p: number[], a2: number[], n: number[]): PairIndices {
  return {
    kind: 'pairs',
    anchorsPositive: tf.tensor1d(a1, 'int32'),
    positives: tf.tensor1d(p, 'int32'),
    anchorsNegative: tf.tensor1d(a2, 'int32'),
    negatives: tf.tensor1d(n, 'int32'),
  };
}
