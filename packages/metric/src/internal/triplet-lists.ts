import * as tf from '@tensorflow/tfjs-core';
import type { PairIndices, TripletIndices } from '@xent/core';

/**
 * Every valid triplet, enumerated on the host (for reducers that need explicit losses) from the 0/1
 * `[B, M]` pair masks of the all-pairs path (`pairMasks`): (i, j, k) with pos[i, j] and neg[i, k], in
 * lexicographic order. `self` (the reference is the batch): j ≠ i and k ≠ i even where a custom mask
 * marks the diagonal.
 */
export function allTripletsOf(pos: tf.Tensor, neg: tf.Tensor, self: boolean): TripletIndices {
  const [rows, cols] = pos.shape as [number, number];
  const positives = pos.dataSync();
  const negatives = neg.dataSync();
  const a: number[] = [];
  const p: number[] = [];
  const n: number[] = [];
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      if ((self && j === i) || !(positives[i * cols + j]! > 0)) continue;
      for (let k = 0; k < cols; k++) {
        if ((self && k === i) || !(negatives[i * cols + k]! > 0)) continue;
        a.push(i);
        p.push(j);
        n.push(k);
      }
    }
  return toTriplets(a, p, n);
}

/** Pairs → triplets as PML does: (a₁[i], p[i], n[j]) for every i, j with a₁[i] = a₂[j]. */
export function pairsToTriplets(pairs: PairIndices): TripletIndices {
  const a1 = pairs.anchorsPositive.dataSync();
  const pos = pairs.positives.dataSync();
  const a2 = pairs.anchorsNegative.dataSync();
  const neg = pairs.negatives.dataSync();
  const byAnchor = new Map<number, number[]>();
  a2.forEach((anchor, j) => {
    const list = byAnchor.get(anchor) ?? [];
    list.push(neg[j]!);
    byAnchor.set(anchor, list);
  });
  const a: number[] = [];
  const p: number[] = [];
  const n: number[] = [];
  a1.forEach((anchor, i) => {
    for (const negative of byAnchor.get(anchor) ?? []) {
      a.push(anchor);
      p.push(pos[i]!);
      n.push(negative);
    }
  });
  return toTriplets(a, p, n);
}

function toTriplets(a: number[], p: number[], n: number[]): TripletIndices {
  return {
    kind: 'triplets',
    anchors: tf.tensor1d(a, 'int32'),
    positives: tf.tensor1d(p, 'int32'),
    negatives: tf.tensor1d(n, 'int32'),
  };
}
