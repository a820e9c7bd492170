import type * as tf from '@tensorflow/tfjs-core';

/**
 * Set by `sharePairwise` while its callback runs: `memo(key, compute)` returns the pairwise matrix
 * already computed for `key` in the same autodiff scope, or computes and remembers it. Unset
 * otherwise, so a plain loss call pays one property read.
 */
export const pairwiseShare: {
  memo?: ((key: string, compute: () => tf.Tensor) => tf.Tensor) | undefined;
} = {};

/** What runs outside `sharePairwise`: the computation itself. */
export const unshared = (_key: string, compute: () => tf.Tensor): tf.Tensor => compute();
