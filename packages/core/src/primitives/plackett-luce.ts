import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';
import { reverseLogCumSumExp } from './reverse-log-cum-sum-exp.js';

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
 * `x` `[rows, cols]` with each row permuted by `order` (flat indices, e.g. from
 * {@link descendingRowOrder}): out[r, k] = x.flat[order[r·cols + k]]. The gradient of a permutation
 * is the inverse permutation, so the backward pass is one more gather (no scatter, which tfjs-wasm
 * lacks). The order itself carries no gradient.
 */
export function permuteRows(x: tf.Tensor, order: Int32Array): tf.Tensor {
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

/**
 * Plackett–Luce choice losses of rows already in ranking order (`[N, C]`, best first):
 *
 *   out[n, k] = log Σ_{j ≥ k, kept} exp(x[n, j]) − x[n, k]   (0 where `keep` is 0)
 *
 * i.e. −log P(item k is chosen first among the items ranked at or after it). Summed over k it is
 * ListMLE's negative log-likelihood; weighted, PLD's and p-ListMLE's. The suffix log-sum-exp is
 * {@link reverseLogCumSumExp} (exact far below the row maximum). `keep` (0/1 `[N, C]`, optional)
 * drops entries (ragged lists): they join no suffix and get a zero gradient, wherever they sit. It
 * must be a constant, not on the gradient tape (tfjs has no gradient for the comparison applied to it).
 */
export function plackettLuceChoices(ranked: tf.Tensor, keep?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (keep === undefined) return tf.sub(reverseLogCumSumExp(ranked), ranked);
    const kept = tf.greater(keep, 0);
    const dropped = tf.fill(ranked.shape, -Infinity);
    const suffix = reverseLogCumSumExp(tf.where(kept, ranked, dropped));
    const safe = tf.where(kept, suffix, tf.zerosLike(suffix));
    return tf.where(kept, tf.sub(safe, ranked), tf.zerosLike(ranked));
  });
}
