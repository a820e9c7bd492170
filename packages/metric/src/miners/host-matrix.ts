import * as tf from '@tensorflow/tfjs-core';
import {
  type Distance,
  hostTidy,
  type OptionSpec,
  type PairIndices,
  type TensorInput,
  type TripletIndices,
} from '@xent/core';
import { embeddingsAndLabels } from '../internal/batch-inputs.js';

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

/** The `distance` option of a miner. */
export const minerDistanceSpec: OptionSpec = { type: 'other', plugin: 'distance', description: 'a Distance' };

/**
 * Checks a miner's inputs (float32 finite `[B, D]` embeddings, int32 `[B]` labels, and the reference set's
 * likewise: `SHAPE_MISMATCH`, `DTYPE_MISMATCH`, `NON_FINITE_INPUT`), computes the query × reference
 * distance matrix and reads it with the labels (exact int32 ids) on the host (needs synchronous reads:
 * cpu, wasm, webgl). Without `reference` the batch is its own reference. Leaks nothing.
 */
export function readBatch(
  fn: string,
  distance: Distance,
  embeddings: TensorInput,
  labels: TensorInput,
  reference?: { embeddings: TensorInput; labels: TensorInput },
): HostBatch {
  return hostTidy(() => {
    const { x, y } = embeddingsAndLabels(fn, embeddings, labels);
    const ref = reference ? embeddingsAndLabels(fn, reference.embeddings, reference.labels) : undefined;
    const values = distance.pairwise(x, ref?.x).dataSync() as Float32Array;
    const ids = Int32Array.from(y.dataSync());
    return {
      size: x.shape[0]!,
      width: ref ? ref.x.shape[0]! : x.shape[0]!,
      values,
      labels: ids,
      refLabels: ref ? Int32Array.from(ref.y.dataSync()) : ids,
      self: ref === undefined,
      isInverted: distance.isInverted,
    };
  });
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
