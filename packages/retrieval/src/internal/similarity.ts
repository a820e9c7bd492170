import type * as tf from '@tensorflow/tfjs-core';
import { cosineSimilarity, dotProduct, type OptionSpec } from '@xent/core';

/** How query and document embeddings are compared. */
export type SimilarityKind = 'cosine' | 'dot';

/** Option metadata shared by every embedding-input loss of this package. */
export const similarityOption: OptionSpec = {
  type: 'enum',
  values: ['cosine', 'dot'],
  description: "pairwise similarity: 'cosine' (rows L2-normalised) or 'dot' (raw dot product)",
};

/** Pairwise similarity `[N, M]` of `a` `[N, D]` and `b` `[M, D]`. */
export function similarityMatrix(a: tf.Tensor, b: tf.Tensor, kind: SimilarityKind): tf.Tensor {
  return kind === 'cosine' ? cosineSimilarity(a, b) : dotProduct(a, b);
}
