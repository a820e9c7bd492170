import * as tf from '@tensorflow/tfjs-core';
import { customGradient, readSyncIfPossible, segmentSum, topkOnDevice } from '@xent/core';
import { keepWithin } from '../reducers/threshold-reducer.js';
import { sortedAllTriplets } from './sorted-triplets.js';

/** The per-triplet formula and the reducer's filter, for {@link reduceAllTriplets}. */
export interface AllTripletSpec {
  /** Added to the violation: v = sign·(d_ap − d_an) + margin. */
  readonly margin: number;
  /** +1 for a distance, −1 for a similarity. */
  readonly sign: 1 | -1;
  /** Replace d_an by the closer of d_an and d_pn. */
  readonly swap: boolean;
  /** softplus(v) instead of [v]₊. */
  readonly smooth: boolean;
  /** Reducer filter: keep losses in (low, high). */
  readonly low: number | undefined;
  readonly high: number | undefined;
}

/** Elements per block tensor `[b, P, B]`: 2 Mi floats = 8 MiB. */
const BLOCK_ELEMENTS = 2_097_152; // 2²¹

/**
 * The triplet hinge of {@link AllTripletSpec} on broadcastable distances — `[T]` lists or `[b, P, M]`
 * blocks: x = sign·(d_ap − d_an′) + margin with d_an′ = d_an, or with `dpn` (swap) the closer of d_an and
 * d_pn; ℓ = [x]₊, or softplus(x) with `smooth`.
 */
export function tripletHinge(
  spec: Pick<AllTripletSpec, 'margin' | 'sign' | 'smooth'>,
  dap: tf.Tensor,
  dan: tf.Tensor,
  dpn?: tf.Tensor,
): { x: tf.Tensor; loss: tf.Tensor } {
  const an = dpn ? (spec.sign > 0 ? tf.minimum(dan, dpn) : tf.maximum(dan, dpn)) : dan;
  const x = tf.add(tf.mul(tf.sub(dap, an), spec.sign), spec.margin);
  return { x, loss: spec.smooth ? tf.softplus(x) : tf.relu(x) };
}

/**
 * Σ kept ℓ(a, p, n) / #kept over every valid triplet (same label a–p, p ≠ a; different label a–n), from
 * the `[B, B]` distance matrix, without a B³ tensor: anchors are processed in blocks against their
 * (at most P) positives, `[b, P, B]` at a time, each block giving its share of the value and of the
 * gradient at once (the backward pass is one multiply). 0 with a zero gradient when no triplet is kept. Where the matrix is host-readable (cpu,
 * wasm) the plain hinge (no `swap`, no `smooth`) takes {@link sortedAllTriplets} instead: O(B·M·log M).
 */
export function reduceAllTriplets(
  spec: AllTripletSpec,
  matrix: tf.Tensor,
  positiveMask: tf.Tensor,
  negativeMask: tf.Tensor,
): tf.Tensor {
  // The hinge without swap is reduced exactly on the host from sorted distances where it can be read.
  const sorted =
    spec.swap || spec.smooth ? undefined : sortedAllTriplets(spec, matrix, positiveMask, negativeMask);
  return sorted ?? blockedAllTriplets(spec, matrix, positiveMask, negativeMask);
}

/**
 * The device path of {@link reduceAllTriplets}: `[b, P, M]` blocks, any spec, no synchronous read needed.
 * The gradient is computed with the value (training needs both; a value alone costs about twice the
 * forward work), inside one custom op so that no block is recorded on the gradient tape.
 */
export function blockedAllTriplets(
  spec: AllTripletSpec,
  matrix: tf.Tensor,
  positiveMask: tf.Tensor,
  negativeMask: tf.Tensor,
): tf.Tensor {
  // Rows are the anchors, columns the reference set (the batch itself unless refEmbeddings).
  const [total, size] = matrix.shape as [number, number];
  const maxPositives = tf.tidy(() => tf.max(tf.sum(positiveMask, 1)));
  const read = readSyncIfPossible(maxPositives);
  maxPositives.dispose();
  // Without synchronous reads (WebGPU) every row may hold up to B − 1 positives.
  const slots = Math.max(1, Math.min(size, read ? read[0]! : size));
  const step = Math.max(1, Math.floor(BLOCK_ELEMENTS / (slots * size)));
  const { sign } = spec;
  const op = customGradient<[tf.Tensor]>(([m], save) => {
    const [value, grad] = tf.tidy(() => {
      // topkOnDevice: tf.topk without webgl's synchronous CPU hand-off for short rows. Slot k of anchor a
      // holds its k-th positive (a column), valid[a, k] = 0 where a has fewer positives.
      const { indices: positives, values: valid } = topkOnDevice(positiveMask, slots);
      let sum: tf.Tensor = tf.scalar(0);
      let count: tf.Tensor = tf.scalar(0);
      // ∂(Σ kept ℓ)/∂M: row blocks (d_ap and d_an lie in the anchor's row) and, with swap, d_pn's rows.
      const rowGrads: tf.Tensor[] = [];
      let swapGrad: tf.Tensor = tf.zeros([total, size]);
      for (let start = 0; start < total; start += step) {
        const rows = Math.min(step, total - start);
        const next = tf.tidy(() => {
          const distances = tf.slice(m, [start, 0], [rows, size]);
          const slotIndex = tf.slice(positives, [start, 0], [rows, slots]);
          const offsets = tf.reshape(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(size, 'int32')), [
            rows,
            1,
          ]);
          // On tfjs-wasm, binary ops broadcasting *both* operands are slow; materialise one side first.
          const full = tf.zeros([rows, slots, size]);
          // index `[b·P]`: each slot's positive (a column of the matrix); flatIndex: the same in the
          // block's flattened `[b, M]` rows.
          const index = tf.reshape(slotIndex, [-1]);
          const flatIndex = tf.reshape(tf.add(slotIndex, offsets), [-1]);
          const dap = tf.reshape(tf.gather(tf.reshape(distances, [-1]), flatIndex), [rows, slots, 1]);
          const dan = tf.add(full, tf.expandDims(distances, 1));
          const dpn = spec.swap ? tf.reshape(tf.gather(m, index), [rows, slots, size]) : undefined;
          const { x, loss } = tripletHinge(spec, dap, dan, dpn);
          const keep = keepWithin(
            tf.mul(
              tf.add(full, tf.expandDims(tf.slice(negativeMask, [start, 0], [rows, size]), 1)),
              tf.expandDims(tf.slice(valid, [start, 0], [rows, slots]), 2),
            ),
            loss,
            spec.low,
            spec.high,
          );
          // ∂ℓ/∂x per kept triplet.
          const g = tf.mul(keep, spec.smooth ? tf.sigmoid(x) : tf.step(x));
          // Σ over slots k of g[a, k, :] into column index[a, k] of row a.
          const toPositive = tf.reshape(segmentSum(tf.reshape(tf.sum(g, 2), [-1]), flatIndex, rows * size), [
            rows,
            size,
          ]);
          // d_an′ is d_pn where useDpn = 1[sign·(d_an − d_pn) > 0] (ties: d_an, as tf.minimum's gradient):
          // those slopes go to (p, n), the others to (a, n).
          const useDpn = dpn && tf.step(tf.mul(tf.sub(dan, dpn), sign));
          const toNegative = tf.sum(useDpn ? tf.sub(g, tf.mul(g, useDpn)) : g, 1);
          return [
            tf.add(sum, tf.sum(tf.mul(keep, loss))),
            tf.add(count, tf.sum(keep)),
            tf.mul(tf.sub(toPositive, toNegative), sign),
            // Σ over (a, k) of the d_pn slopes g[a, k, :] into row index[a, k].
            useDpn
              ? tf.sub(
                  swapGrad,
                  tf.mul(segmentSum(tf.reshape(tf.mul(g, useDpn), [rows * slots, size]), index, size), sign),
                )
              : swapGrad,
          ];
        });
        const [nextSum, nextCount, rowGrad, nextSwap] = next as tf.Tensor[] as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        tf.dispose([sum, count, ...(nextSwap === swapGrad ? [] : [swapGrad])]);
        [sum, count, swapGrad] = [nextSum, nextCount, nextSwap];
        rowGrads.push(rowGrad);
      }
      const denominator = tf.maximum(count, 1);
      return [tf.div(sum, denominator), tf.div(tf.add(tf.concat(rowGrads, 0), swapGrad), denominator)];
    });
    save([grad!]);
    return { value: value!, gradFunc: (dy, [g]) => tf.mul(g!, dy) };
  });
  return op(matrix);
}
