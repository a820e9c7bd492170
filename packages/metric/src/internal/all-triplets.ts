import * as tf from '@tensorflow/tfjs-core';
import { customGradient, readSyncIfPossible, segmentSum, topkOnDevice } from '@xent/core';
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

function blockOf(
  spec: AllTripletSpec,
  matrix: tf.Tensor,
  positives: tf.Tensor,
  valid: tf.Tensor,
  negatives: tf.Tensor,
  start: number,
  rows: number,
) {
  const size = matrix.shape[1]!; // columns: the reference set (the batch itself, or refEmbeddings)
  const slots = positives.shape[1]!;
  const distances = tf.slice(matrix, [start, 0], [rows, size]);
  // customGrad casts its inputs to float32; the slot indices are exact integers there.
  const index = tf.cast(tf.slice(positives, [start, 0], [rows, slots]), 'int32');
  const offsets = tf.reshape(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(size, 'int32')), [rows, 1]);
  // On tfjs-wasm, binary ops broadcasting *both* operands are slow; materialise one side first.
  const full = tf.zeros([rows, slots, size]);
  // index: each slot's positive (a column of the matrix); flatIndex: the same in the block's flat rows.
  const flatIndex = tf.add(index, offsets);
  const dap = tf.reshape(tf.gather(tf.reshape(distances, [-1]), flatIndex), [rows, slots, 1]);
  const dan = tf.add(full, tf.expandDims(distances, 1));
  const dpn = spec.swap
    ? tf.reshape(tf.gather(matrix, tf.reshape(index, [-1])), [rows, slots, size])
    : undefined;
  const hinge = tripletHinge(spec, dap, dan, dpn);
  let keep = tf.mul(
    tf.add(full, tf.expandDims(tf.slice(negatives, [start, 0], [rows, size]), 1)),
    tf.expandDims(tf.slice(valid, [start, 0], [rows, slots]), 2),
  );
  // step(v) = 1[v > 0]: on tfjs-wasm, comparisons against a scalar take the slow broadcasting path.
  if (spec.low !== undefined) keep = tf.mul(keep, tf.step(tf.sub(hinge.loss, spec.low)));
  if (spec.high !== undefined) keep = tf.mul(keep, tf.step(tf.sub(spec.high, hinge.loss)));
  return { ...hinge, keep, dan, dpn, index, flatIndex };
}

/**
 * Σ kept ℓ(a, p, n) / #kept over every valid triplet (same label a–p, p ≠ a; different label a–n), from
 * the `[B, B]` distance matrix, without a B³ tensor: anchors are processed in blocks against their
 * (at most P) positives, `[b, P, B]` at a time, forward and backward (a custom gradient recomputes
 * each block). 0 with a zero gradient when no triplet is kept. Where the matrix is host-readable (cpu,
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

/** The device path of {@link reduceAllTriplets}: `[b, P, M]` blocks, any spec, no synchronous read needed. */
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
  // topkOnDevice: tf.topk without webgl's synchronous CPU hand-off for short rows.
  const top = topkOnDevice(positiveMask, slots);
  const op = customGradient<[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]>(
    ([distances, positives, valid, negatives], save) => {
      const step = Math.max(1, Math.floor(BLOCK_ELEMENTS / (slots * size)));
      let sum: tf.Tensor = tf.scalar(0);
      let count: tf.Tensor = tf.scalar(0);
      for (let start = 0; start < total; start += step) {
        const rows = Math.min(step, total - start);
        [sum, count] = tf.tidy(() => {
          const block = blockOf(spec, distances, positives, valid, negatives, start, rows);
          return [tf.add(sum, tf.sum(tf.mul(block.keep, block.loss))), tf.add(count, tf.sum(block.keep))];
        });
      }
      const denominator = tf.maximum(count, 1);
      save([distances, positives, valid, negatives, denominator]);
      return {
        value: tf.div(sum, denominator),
        gradFunc: (dy, saved) => {
          const [d, pos, val, neg, den] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          const scale = tf.div(dy, den);
          const rowGrads: tf.Tensor[] = [];
          let swapGrad: tf.Tensor = tf.zerosLike(d);
          for (let start = 0; start < total; start += step) {
            const rows = Math.min(step, total - start);
            const [rowGrad, nextSwap] = tf.tidy(() => {
              const block = blockOf(spec, d, pos, val, neg, start, rows);
              const slope = spec.smooth ? tf.sigmoid(block.x) : tf.step(block.x);
              const g = tf.mul(tf.mul(block.keep, slope), scale);
              // Σ over slots k of g[a, k, :] into column index[a, k] of row a.
              const toPositive = tf.reshape(
                segmentSum(tf.reshape(tf.sum(g, 2), [-1]), tf.reshape(block.flatIndex, [-1]), rows * size),
                [rows, size],
              );
              // d_an′ is d_pn where useDpn = 1[sign·(d_an − d_pn) > 0] (ties: d_an, as tf.minimum's gradient):
              // those slopes go to (p, n), the others to (a, n).
              const { dan, dpn } = block;
              const useDpn = dpn && tf.step(tf.mul(tf.sub(dan, dpn), spec.sign));
              const toNegative = tf.sum(useDpn ? tf.sub(g, tf.mul(g, useDpn)) : g, 1);
              const grad = tf.mul(tf.sub(toPositive, toNegative), spec.sign);
              // Σ over (a, k) of the d_pn slopes g[a, k, :] into row index[a, k].
              const swapped = useDpn
                ? tf.sub(
                    swapGrad,
                    tf.mul(
                      segmentSum(
                        tf.reshape(tf.mul(g, useDpn), [rows * slots, size]),
                        tf.reshape(block.index, [-1]),
                        size,
                      ),
                      spec.sign,
                    ),
                  )
                : swapGrad;
              return [grad, swapped];
            });
            rowGrads.push(rowGrad);
            if (nextSwap !== swapGrad) swapGrad.dispose();
            swapGrad = nextSwap;
          }
          const grad = tf.add(tf.concat(rowGrads, 0), swapGrad);
          tf.dispose([...rowGrads, swapGrad, scale]);
          return [grad, tf.zerosLike(pos), tf.zerosLike(val), tf.zerosLike(neg)];
        },
      };
    },
  );
  const slotIndex = tf.cast(top.indices, 'float32');
  const result = op(matrix, slotIndex, top.values, negativeMask);
  tf.dispose([top.indices, top.values, slotIndex]);
  return result;
}
