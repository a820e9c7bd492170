import * as tf from '@tensorflow/tfjs-core';
import { dotProduct as dotProductMatrix, resolveOptions } from '@xent/core';
import { type MetricDistance, makeDistance } from './make-distance.js';

/**
 * Cosine similarity aᵢ·bⱼ / (‖aᵢ‖‖bⱼ‖) (PML's `CosineSimilarity`): a similarity (`isInverted`), in [−1, 1].
 *
 * Takes no options (an options object with any key throws `INVALID_OPTION`).
 *
 * @example const loss = multiSimilarityLoss(embeddings, labels, { distance: cosineSimilarity() });
 */
export function cosineSimilarity(options: Record<never, never> = {}): MetricDistance {
  resolveOptions('cosineSimilarity', {}, options);
  return makeDistance({
    name: 'cosine',
    isInverted: true,
    normalizeEmbeddings: true,
    pairwise: (a, b) => dotProductMatrix(a, b ?? a),
    paired: (a, b) => tf.sum(tf.mul(a, b), -1),
  });
}
