import * as tf from '@tensorflow/tfjs-core';
import type { PairIndices, TripletIndices } from '@xent/core';
import type { Pairing } from './tuples.js';

/**
 * Every valid triplet, enumerated on the host (for reducers that need explicit losses): anchors from the
 * batch, positives and negatives from the reference labels (default the batch, then j ≠ i).
 */
export function allTripletsOf(labels: tf.Tensor, pairing?: Pairing): TripletIndices {
  const y = labels.dataSync();
  const r = pairing?.refLabels ? pairing.refLabels.dataSync() : y;
  const self = pairing?.refLabels === undefined;
  const custom = pairing?.positiveMask?.dataSync();
  const same = custom
    ? (i: number, j: number) => custom[i * r.length + j]! > 0
    : (i: number, j: number) => r[j] === y[i];
  const customNeg = pairing?.negativeMask?.dataSync();
  const other = customNeg
    ? (i: number, k: number) => customNeg[i * r.length + k]! > 0
    : (i: number, k: number) => !same(i, k);
  const a: number[] = [];
  const p: number[] = [];
  const n: number[] = [];
  for (let i = 0; i < y.length; i++)
    for (let j = 0; j < r.length; j++) {
      if ((self && j === i) || !same(i, j)) continue;
      for (let k = 0; k < r.length; k++) {
        if (!other(i, k) || (self && k === i)) continue;
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
