import * as tf from '@tensorflow/tfjs-core';
import { dotProduct as dotProductMatrix } from '@xent/core';
import { type MetricDistance, makeDistance } from './make-distance.js';

/**
 * Cosine similarity aᵢ·bⱼ / (‖aᵢ‖‖bⱼ‖) (PML's `CosineSimilarity`): a similarity (`isInverted`), in [−1, 1].
 *
 * @example const loss = multiSimilarityLoss(embeddings, labels, { distance: cosineSimilarity() });
 */
export function cosineSimilarity(): MetricDistance {
  return makeDistance({
    name: 'cosine',
    isInverted: true,
    normalizeEmbeddings: true,
    pairwise: (a, b) => dotProductMatrix(a, b ?? a),
    paired: (a, b) => tf.sum(tf.mul(a, b), -1),
  });
}
