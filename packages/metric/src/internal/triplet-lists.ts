import * as tf from '@tensorflow/tfjs-core';
import type { PairIndices, TripletIndices } from '@xent/core';

type Ids = ArrayLike<number>;

/**
 * Every valid triplet, enumerated on the host (for reducers that need explicit losses) from the 0/1
 * `[B, M]` pair masks of the all-pairs path (`allPairs`): (i, j, k) with pos[i, j] and neg[i, k], in
 * lexicographic order. `self` (the reference is the batch): j ≠ i and k ≠ i even where a custom mask
 * marks the diagonal.
 */
export function allTripletsOf(pos: tf.Tensor, neg: tf.Tensor, self: boolean): TripletIndices {
  const cols = pos.shape[1]!;
  // (row, column) of each set entry, row-major.
  const pairs = (mask: tf.Tensor): [number[], number[]] => {
    const rows: number[] = [];
    const columns: number[] = [];
    mask.dataSync().forEach((v, at) => {
      const [i, j] = [Math.floor(at / cols), at % cols];
      if (v > 0 && !(self && i === j)) {
        rows.push(i);
        columns.push(j);
      }
    });
    return [rows, columns];
  };
  return joinOnAnchors(...pairs(pos), ...pairs(neg));
}

/** Pairs → triplets as PML does: (a₁[i], p[i], n[j]) for every i, j with a₁[i] = a₂[j]. */
export function pairsToTriplets(pairs: PairIndices): TripletIndices {
  const { anchorsPositive, positives, anchorsNegative, negatives } = pairs;
  return joinOnAnchors(
    anchorsPositive.dataSync(),
    positives.dataSync(),
    anchorsNegative.dataSync(),
    negatives.dataSync(),
  );
}

/** (a₁[i], p[i], n[j]) for every i (in order) and every j (in order) with a₁[i] = a₂[j]. */
function joinOnAnchors(a1: Ids, pos: Ids, a2: Ids, neg: Ids): TripletIndices {
  const byAnchor = new Map<number, number[]>();
  Array.from(a2).forEach((anchor, j) => {
    const list = byAnchor.get(anchor) ?? [];
    list.push(neg[j]!);
    byAnchor.set(anchor, list);
  });
  const a: number[] = [];
  const p: number[] = [];
  const n: number[] = [];
  Array.from(a1).forEach((anchor, i) => {
    for (const negative of byAnchor.get(anchor) ?? []) {
      a.push(anchor);
      p.push(pos[i]!);
      n.push(negative);
    }
  });
  return {
    kind: 'triplets',
    anchors: tf.tensor1d(a, 'int32'),
    positives: tf.tensor1d(p, 'int32'),
    negatives: tf.tensor1d(n, 'int32'),
  };
}
