import * as tf from '@tensorflow/tfjs-core';
import { XentError } from '@xent/core';
import { pairwiseShare } from '../internal/pairwise-share.js';

/** The engine's current gradient tape (a new array per `tf.grad` scope; null or undefined outside one). */
function activeTape(): unknown {
  return (tf.engine().state as unknown as { activeTape?: unknown }).activeTape;
}

/**
 * Runs `fn`, in which the losses of this package compute each pairwise matrix once: two losses called
 * on the same embeddings tensor (and reference set) with the same distance share its `[B, M]` matrix —
 * the row normalisation, the matmul forward, and backward one gradient through it instead of two.
 * For a loss plus a regulariser on the same batch, e.g. multi-similarity + TCM (both on cosine
 * similarities): on tfjs-wasm at B = 512, D = 128 the pair costs 2.3× one B×B matmul + gradient
 * instead of 3.3–3.5× as two calls (multi-similarity alone: 1.9×; see BENCHMARKS.md).
 *
 * Values and gradients are those of the separate calls: the shared matrix is one node of the autodiff
 * tape, whose gradient sums both uses. A matrix is reused only within the autodiff scope that computed
 * it (a `tf.grad` started inside `fn` gets its own), and only for distances made by this package (a
 * custom `Distance` is computed per call). The matrices are disposed when `fn` returns or throws; do
 * not return one. Nested calls share the outer scope.
 *
 * @param fn the computation, e.g. a sum of losses; synchronous (the scope ends when it returns).
 * @returns what `fn` returns.
 * @throws `INVALID_OPTION` when `fn` is not a function.
 * @example
 * const loss = (x: tf.Tensor) =>
 *   sharePairwise(() => tf.add(multiSimilarityLoss(x, labels), tcmLoss(x, labels)));
 * const grad = tf.grad(loss)(embeddings);
 */
export function sharePairwise<T>(fn: () => T): T {
  if (typeof fn !== 'function')
    throw new XentError('INVALID_OPTION', {
      fn: 'sharePairwise',
      argument: 'fn',
      expected: 'a function',
      received: typeof fn,
    });
  if (pairwiseShare.memo) return fn();
  const entries = new Map<string, { tape: unknown; matrix: tf.Tensor }>();
  const kept: tf.Tensor[] = [];
  pairwiseShare.memo = (key, compute) => {
    const tape = activeTape();
    const hit = entries.get(key);
    if (hit && hit.tape === tape && !hit.matrix.isDisposed) return hit.matrix;
    // Kept past the computing loss's tidy scope; the tape saves what its backward pass needs.
    const matrix = tf.keep(compute());
    kept.push(matrix);
    entries.set(key, { tape, matrix });
    return matrix;
  };
  try {
    return fn();
  } finally {
    pairwiseShare.memo = undefined;
    tf.dispose(kept);
  }
}
