import * as tf from '@tensorflow/tfjs-core';
import { dotProduct as dotProductMatrix } from '@xent/core';
import { type MetricDistance, makeDistance } from './make-distance.js';

/** Options of {@link dotProduct}. */
export interface DotProductOptions {
  /**
   * L2-normalise rows first. PML defaults to `true`, which silently makes its dot product a cosine;
   * here the default is a raw dot product. @defaultValue false
   */
  readonly normalizeEmbeddings?: boolean;
}

/**
 * Dot-product similarity aᵢ·bⱼ (PML's `DotProductSimilarity`): a similarity (`isInverted`).
 *
 * @example const distance = dotProduct();
 */
export function dotProduct(options: DotProductOptions = {}): MetricDistance {
  return makeDistance({
    name: 'dot',
    isInverted: true,
    normalizeEmbeddings: options.normalizeEmbeddings ?? false,
    pairwise: (a, b) => dotProductMatrix(a, b ?? a),
    paired: (a, b) => tf.sum(tf.mul(a, b), -1),
  });
}
