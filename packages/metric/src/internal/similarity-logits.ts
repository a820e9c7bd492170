import * as tf from '@tensorflow/tfjs-core';
import type { Distance, OptionSpec } from '@xent/core';
import { optionSpecs } from './option-specs.js';
import { distanceOptionSpec, reducerOptionSpec, referenceOptionSpecs, tupleOptionSpecs } from './tuples.js';

/** Option metadata of the temperature-scaled softmax losses (SupCon, NT-Xent). */
export const temperatureLossOptions: Record<string, OptionSpec> = /* @__PURE__ */ optionSpecs(
  {
    temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'temperature τ' },
    distance: distanceOptionSpec,
    reducer: reducerOptionSpec,
  },
  tupleOptionSpecs,
  referenceOptionSpecs,
);

/** s/τ for a similarity, −d/τ for a distance: the `[B, M]` logits of the softmax losses from their matrix. */
export function similarityLogits(distance: Distance, matrix: tf.Tensor, temperature: number): tf.Tensor {
  return tf.div(distance.isInverted ? matrix : tf.neg(matrix), temperature);
}
