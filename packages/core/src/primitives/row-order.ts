import * as tf from '@tensorflow/tfjs-core';
import { hostReadable } from '../data-checks.js';
import { customGradient } from './custom-gradient.js';
import { detached } from './detached.js';

/**
 * A ranking of each row of a `[rows, cols]` matrix, host-side: the column indices of each row by
 * descending `keys` (ties by column index), entries with `keep[i] = 0` last (in column order).
 * Returned as flat indices into the `[rows·cols]` view, so {@link permuteRows} applies it with one
 * gather. Pass `+Infinity` as a key to force an entry first (PLD's true label).
 */
export function descendingRowOrder(
  keys: ArrayLike<number>,
  rows: number,
  cols: number,
  keep?: ArrayLike<number>,
): Int32Array {
  const order = new Int32Array(rows * cols);
  const columns: number[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    columns.length = 0;
    for (let c = 0; c < cols; c++) columns.push(c);
    const kept = (c: number) => (keep === undefined || keep[base + c] !== 0 ? 1 : 0);
    columns.sort((a, b) => kept(b) - kept(a) || (kept(a) ? keys[base + b]! - keys[base + a]! : 0) || a - b);
    for (let k = 0; k < cols; k++) order[base + k] = base + columns[k]!;
  }
  return order;
}

/**
 * `x` `[rows, cols]` with each row permuted by `order`: out[r, k] = x[r, order_r(k)], for host flat
 * indices (e.g. from {@link descendingRowOrder}: out[r, k] = x.flat[order[r·cols + k]]) or a device
 * int32 `[rows, cols]` of column indices (from {@link descendingRowOrderOnDevice} or {@link rankRows}).
 * The gradient of a permutation is the inverse permutation, so the backward pass is one more gather
 * (no scatter, which tfjs-wasm lacks); on the device the inverse is {@link invertRowPermutation}. The
 * order itself carries no gradient.
 */
export function permuteRows(x: tf.Tensor, order: RowOrder): tf.Tensor {
  if (!(order instanceof Int32Array)) return permuteRowsOnDevice(x, order);
  const inverse = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) inverse[order[i]!] = i;
  const shape = x.shape;
  const op = customGradient<[tf.Tensor]>(([input]) => ({
    value: tf.tidy(() => tf.reshape(tf.gather(tf.reshape(input, [-1]), tf.tensor1d(order, 'int32')), shape)),
    gradFunc: (dy) =>
      tf.tidy(() => tf.reshape(tf.gather(tf.reshape(dy, [-1]), tf.tensor1d(inverse, 'int32')), shape)),
  }));
  return op(x);
}

function permuteRowsOnDevice(x: tf.Tensor, order: tf.Tensor): tf.Tensor {
  const [rows, cols] = x.shape as [number, number];
  if (x.size === 0) return tf.clone(x);
  // Flat indices (row·cols + column) and one plain gather: tfjs-wasm's gather with batchDims
  // overruns its memory.
  const flat = (o: tf.Tensor) =>
    tf.reshape(tf.add(o, tf.reshape(tf.range(0, rows * cols, cols, 'int32'), [rows, 1])), [-1]);
  const forward = tf.tidy(() => flat(order));
  const inverse = tf.tidy(() => flat(invertRowPermutation(order)));
  // The inverse is saved, not an input: the order must not join the gradient tape (a mask permuted
  // by an order sorted from the labels stays a constant).
  const op = customGradient<[tf.Tensor]>(([input], save) => {
    save([inverse]);
    return {
      value: tf.reshape(tf.gather(tf.reshape(input, [-1]), forward), [rows, cols]),
      gradFunc: (dy, [saved]) => tf.reshape(tf.gather(tf.reshape(dy, [-1]), saved!), [rows, cols]),
    };
  });
  const out = op(x);
  tf.dispose([forward, inverse]);
  return out;
}

// tfjs-backend-webgl's TopK runs on the CPU, after a synchronous GPU read, for rows shorter than
// this flag (default 100 000) or k above the second one (default 128).
const WEBGL_TOPK_FLAGS = [
  'TOPK_LAST_DIM_CPU_HANDOFF_SIZE_THRESHOLD',
  'TOPK_K_CPU_HANDOFF_THRESHOLD',
] as const;

/**
 * `tf.topk(x, k)` (sorted) without a synchronous read on any backend: on webgl, tfjs hands short rows
 * to the CPU after reading the texture back, so this lifts those two hand-off flags for the one call
 * (webgl's bitonic sort then runs on the GPU) and restores them. Tie order is the same on every
 * backend: equal values by ascending index (tfjs's CPU comparator and the webgl/webgpu bitonic
 * compare `(value, then lower index)` alike). Inputs already in host memory still take the CPU path,
 * which reads no GPU data.
 *
 * @example const { values, indices } = topkOnDevice(scores, 5);
 */
export function topkOnDevice(x: tf.Tensor, k: number): { values: tf.Tensor; indices: tf.Tensor } {
  if (tf.getBackend() !== 'webgl') return tf.topk(x, k);
  const env = tf.env();
  const saved = WEBGL_TOPK_FLAGS.map((flag) => env.getNumber(flag));
  env.set(WEBGL_TOPK_FLAGS[0], 0);
  env.set(WEBGL_TOPK_FLAGS[1], Number.POSITIVE_INFINITY);
  try {
    return tf.topk(x, k);
  } finally {
    for (const [i, flag] of WEBGL_TOPK_FLAGS.entries()) env.set(flag, saved[i]!);
  }
}

/**
 * The device counterpart of `descendingRowOrder`: int32 `[rows, cols]`, row r holding the column
 * indices of `keys[r]` by descending key, ties by column index, entries with `keep = 0` last (in
 * column order), computed with one {@link topkOnDevice} (no synchronous read). It agrees with the
 * host order for finite keys and `+∞` (PLD's forced first entry); a kept key of `−∞` sorts among the
 * dropped entries. No gradient.
 */
export function descendingRowOrderOnDevice(keys: tf.Tensor, keep?: tf.Tensor): tf.Tensor {
  const cols = keys.shape[keys.rank - 1]!;
  // Off the gradient tape: tfjs has no gradient for TopK, and an order is a constant.
  return detached(
    (values, kept) => {
      const ranked =
        kept === undefined ? values : tf.where(tf.greater(kept, 0), values, tf.fill(values.shape, -Infinity));
      return topkOnDevice(tf.cast(ranked, 'float32'), cols).indices;
    },
    ...(keep === undefined ? [keys] : [keys, keep]),
  );
}

/**
 * The inverse of each row's permutation, on the device: for int32 `order` `[rows, cols]` (a
 * permutation of 0…cols−1 per row), out[r, order[r, p]] = p, i.e. the position of each column in its
 * row's ranking. Computed as the indices of an ascending sort of `order` (distinct values, so no
 * ties; exact below 2²⁴ columns), which needs neither a scatter (quadratic on webgl, absent on wasm)
 * nor a synchronous read.
 */
export function invertRowPermutation(order: tf.Tensor): tf.Tensor {
  const cols = order.shape[order.rank - 1]!;
  return detached((o) => topkOnDevice(tf.neg(tf.cast(o, 'float32')), cols).indices, order);
}

/**
 * A ranking of the rows of a `[rows, cols]` matrix: flat host indices from `descendingRowOrder` on
 * host backends, or int32 `[rows, cols]` column indices from {@link descendingRowOrderOnDevice}.
 * `permuteRows` applies either.
 */
export type RowOrder = Int32Array | tf.Tensor;

/**
 * Each row of `keys` `[rows, cols]` ranked by descending key (ties by column index, `keep = 0`
 * entries last): sorted on the host where its data is in memory (cpu, wasm), on the device elsewhere
 * (webgl, webgpu, {@link withDevicePaths}), so it never reads GPU data synchronously. Both orders are
 * the same permutation. No gradient.
 */
export function rankRows(keys: tf.Tensor, keep?: tf.Tensor): RowOrder {
  if (!hostReadable()) return descendingRowOrderOnDevice(keys, keep);
  const [rows, cols] = keys.shape as [number, number];
  return descendingRowOrder(keys.dataSync(), rows, cols, keep?.dataSync());
}

/**
 * int32 `[rows, cols]`: the position of each entry in its row's ranking `order` (the inverse
 * permutation), from host indices or on the device.
 */
export function rowPositions(order: RowOrder, rows: number, cols: number): tf.Tensor {
  if (!(order instanceof Int32Array)) return invertRowPermutation(order);
  const position = new Int32Array(rows * cols);
  for (let i = 0; i < order.length; i++) position[order[i]!] = i % cols;
  return tf.tensor2d(position, [rows, cols], 'int32');
}
