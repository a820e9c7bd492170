// A per-example state over the training set, for losses that keep one value per training row and read the
// rows of the batch through an `indices` option (ALDR-KL's λᵢ: `{ lambdas }`, as `createAldrKlState`
// makes it). The playground owns it: one per run, freed with the run.
import * as tf from '@tensorflow/tfjs-core';

export interface SampleState {
  /** One value per training row, `[numSamples]`, not trainable (the loss writes it back). */
  readonly lambdas: tf.Variable;
  dispose(): void;
}

/** A state of `numSamples` values, each `initial`. */
export function sampleState(numSamples: number, initial: number): SampleState {
  const lambdas = tf.tidy(() => tf.variable(tf.fill([numSamples], initial), false, undefined, 'float32'));
  return { lambdas, dispose: () => lambdas.dispose() };
}
