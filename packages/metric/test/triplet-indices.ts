import * as tf from '@tensorflow/tfjs';
import type { TripletIndices } from '@xent/core';

/** PML-style triplet rows `[a, p, n]` (a fixture's `indices_tuple`) as int32 {@link TripletIndices}. */
export function tripletIndices(rows: readonly (readonly number[])[]): TripletIndices {
  const [anchors, positives, negatives] = [0, 1, 2].map((k) =>
    tf.tensor1d(
      rows.map((t) => t[k]!),
      'int32',
    ),
  );
  return { kind: 'triplets', anchors: anchors!, positives: positives!, negatives: negatives! };
}
