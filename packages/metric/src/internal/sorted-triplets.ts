import type * as tf from '@tensorflow/tfjs-core';
import type { AllTripletSpec } from './all-triplets.js';
import { readAllIfPossible, withHostGradient } from './host-gradient.js';

/** Number of entries of the ascending `sorted[0, length)` that are `< x` (`orEqual`: `≤ x`). */
function rank(sorted: Float64Array, length: number, x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x || (orEqual && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The hinge all-triplet reduction of {@link AllTripletSpec} (no `swap`, no `smooth`) on the host in
 * O(B·M·log P) instead of O(B·P·M) on the device (P: positives per anchor). With u = sign·M[a, n] and
 * t = sign·M[a, p] + margin, ℓ(a, p, n) = [t − u]₊; the reducer keeps ℓ > low and ℓ < high, i.e.
 * t − high < u and (where low ≥ 0) u < t − low; the loss is non-zero for u < t − max(low, 0).
 * Per anchor, only the P thresholds t are sorted; each negative finds its two buckets among them by
 * binary search (which also gives its gradient: −the number of positives it violates), and per-bucket
 * counts and sums of u, accumulated, give every positive's violating count (its gradient) and loss sum.
 *
 * Returns `undefined` where the matrix cannot be read without a synchronous GPU round trip; callers
 * then take the device path.
 */
export function sortedAllTriplets(
  spec: AllTripletSpec,
  matrix: tf.Tensor,
  positiveMask: tf.Tensor,
  negativeMask: tf.Tensor,
): tf.Tensor | undefined {
  const host = readAllIfPossible(matrix, positiveMask, negativeMask);
  if (!host) return undefined;
  const [values, positives, negatives] = host as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const [rows, cols] = matrix.shape as [number, number];
  const { sign, margin, low, high } = spec;
  const below = low !== undefined && low > 0 ? low : 0;
  const lowBinds = low !== undefined && low >= 0;
  const above = high ?? Infinity;
  const bounded = above !== Infinity;
  const grad = new Float32Array(rows * cols);
  const t = new Float64Array(cols);
  // Bucket b of the sorted thresholds, at acc[4b…4b+3]: count and sum of u with b thresholds
  // t ≤ u + below (hi), count and sum of u with b thresholds t < u + above (lo); accumulated in place
  // to "at most bucket k".
  const acc = new Float64Array(4 * (cols + 1));
  let sum = 0;
  let count = 0;
  if (above > 0) {
    for (let a = 0; a < rows; a++) {
      const row = a * cols;
      let p = 0;
      let n = 0;
      for (let j = 0; j < cols; j++) {
        if (positives[row + j]! > 0) t[p++] = sign * values[row + j]! + margin;
        if (negatives[row + j]! > 0) n++;
      }
      if (n === 0 || p === 0) continue;
      const ts = t.subarray(0, p).sort();
      acc.fill(0, 0, 4 * (p + 1));
      for (let j = 0; j < cols; j++) {
        const at = row + j;
        if (!(negatives[at]! > 0)) continue;
        const u = sign * values[at]!;
        const hi = rank(ts, p, u + below, true);
        const lo = bounded ? rank(ts, p, u + above, false) : p;
        acc[4 * hi]! += 1;
        acc[4 * hi + 1]! += u;
        acc[4 * lo + 2]! += 1;
        acc[4 * lo + 3]! += u;
        // Positives for which this negative is kept with a non-zero loss: u + below < t < u + above.
        if (lo > hi) grad[at]! -= sign * (lo - hi);
      }
      for (let k = 4; k < 4 * (p + 1); k++) acc[k]! += acc[k - 4]!;
      for (let j = 0; j < cols; j++) {
        const at = row + j;
        if (!(positives[at]! > 0)) continue;
        const tj = sign * values[at]! + margin;
        const k = 4 * rank(ts, p, tj, false); // equal thresholds share their cuts
        // u < t − below: hi bucket ≤ k;  u ≤ t − above: lo bucket ≤ k.
        const violating = Math.max(0, acc[k]! - acc[k + 2]!);
        count += lowBinds ? violating : n - acc[k + 2]!;
        if (violating > 0) {
          sum += violating * tj - (acc[k + 1]! - acc[k + 3]!);
          grad[at]! += sign * violating;
        }
      }
    }
  }
  const denominator = Math.max(count, 1);
  // In place: `grad.map` (a call per entry and a second [B, M] buffer) took ~2.4 ms of a 13 ms pass.
  for (let i = 0; i < grad.length; i++) grad[i]! /= denominator;
  return withHostGradient(matrix, sum / denominator, grad);
}
