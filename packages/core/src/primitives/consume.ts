import * as tf from '@tensorflow/tfjs-core';

/**
 * `f(x)` in its own `tidy`, then disposes `x`: a chain `consume(consume(a, f), g)` of tile-sized steps
 * keeps at most two of them alive (a plain `tidy` keeps every intermediate until it returns). For
 * blocked computations (chunked losses) that bound their peak memory by a few tiles.
 *
 * @param x a tensor the caller owns and no longer needs.
 * @param f a function of `x`; the tensor it returns is kept, everything else it makes is disposed.
 * @example const p = consume(consume(logits, (z) => tf.sub(z, lse)), (z) => tf.exp(z));
 */
export function consume<T extends tf.Tensor>(x: tf.Tensor, f: (x: tf.Tensor) => T): T {
  const y = tf.tidy(() => f(x));
  x.dispose();
  return y;
}

/**
 * A running sum over blocks: `sum + x` with both disposed, or `x` itself when there is no sum yet.
 *
 * @example let total; for (const block of blocks) total = accumulateSum(total, partOf(block));
 */
export function accumulateSum(sum: tf.Tensor | undefined, x: tf.Tensor): tf.Tensor {
  if (!sum) return x;
  const next = tf.add(sum, x);
  tf.dispose([sum, x]);
  return next;
}
