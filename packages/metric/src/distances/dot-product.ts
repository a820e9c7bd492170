import * as tf from '@tensorflow/tfjs-core';
import { dotProduct as dotProductMatrix, type OptionSchema, resolveOptions } from '@xent/core';
import { type MetricDistance, makeDistance } from './make-distance.js';

/** Options of {@link dotProduct}. */
export interface DotProductOptions {
  /**
   * L2-normalise rows first. PML defaults to `true`, which silently makes its dot product a cosine;
   * here the default is a raw dot product. @defaultValue false
   */
  readonly normalizeEmbeddings?: boolean;
}

const DOT_OPTIONS: OptionSchema<DotProductOptions> = {
  normalizeEmbeddings: { type: 'boolean', description: 'L2-normalise rows first' },
};

/**
 * Dot-product similarity aᵢ·bⱼ (PML's `DotProductSimilarity`): a similarity (`isInverted`).
 *
 * @example const distance = dotProduct();
 */
export function dotProduct(options: DotProductOptions = {}): MetricDistance {
  const { normalizeEmbeddings } = resolveOptions('dotProduct', DOT_OPTIONS, options, {
    normalizeEmbeddings: false,
  });
  return makeDistance({
    name: normalizeEmbeddings ? 'dot(normalized)' : 'dot',
    isInverted: true,
    normalizeEmbeddings,
    pairwise: (a, b) => dotProductMatrix(a, b ?? a),
    paired: (a, b) => tf.sum(tf.mul(a, b), -1),
  });
}
