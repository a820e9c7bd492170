import * as tf from '@tensorflow/tfjs-core';
import type { Distance, OptionSpec } from '@xent/core';
import { distanceOptionSpec, reducerOptionSpec, tupleOptionSpecs } from './tuples.js';

/** Option metadata of the temperature-scaled softmax losses (SupCon, NT-Xent). */
export const temperatureLossOptions: Record<string, OptionSpec> = {
  temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'temperature τ' },
  distance: distanceOptionSpec,
  reducer: reducerOptionSpec,
  ...tupleOptionSpecs,
};

/** s/τ for a similarity, −d/τ for a distance: `[B, B]` logits of the in-batch softmax losses. */
export function similarityLogits(distance: Distance, embeddings: tf.Tensor, temperature: number): tf.Tensor {
  const matrix = distance.pairwise(embeddings);
  return tf.div(distance.isInverted ? matrix : tf.neg(matrix), temperature);
}
