import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '@xent/core';
import { checkPositive } from '../internal/check-number.js';

/** Options of every `create…Loss` factory that owns a class-weight variable. */
export interface ClassWeightFactoryOptions {
  /** Number of classes C. */
  readonly numClasses: number;
  /** Embedding size D. */
  readonly embeddingSize: number;
  /** Seed of the initialisation. @defaultValue 0 */
  readonly seed?: number;
}

/**
 * PML's initialisations, for a `[R, D]` matrix with R = C × rows per class:
 * `'normal'` N(0, 1) (`torch.nn.init.normal_`, PML's default for classification losses);
 * `'kaimingNormalFanOut'` N(0, 2/C) (Proxy-Anchor); `'kaimingUniform'` U(±1/√R) (SoftTriple's
 * `kaiming_uniform_(a=√5)` on its `[D, R]` matrix).
 */
export type ClassWeightInit = 'normal' | 'kaimingNormalFanOut' | 'kaimingUniform';

/** A loss bound to its trainable class weights. */
export interface TrainableLoss<O, K extends string> {
  readonly loss: (embeddings: TensorInput, labels: TensorInput, options?: O) => tf.Tensor;
  /** The trainable float32 variables the loss reads; dispose them when done. */
  readonly variables: { readonly [name in K]: tf.Variable };
}

/**
 * Creates the `[numClasses × rowsPerClass, embeddingSize]` variable and binds it as the third argument
 * of `loss`. Throws `INVALID_OPTION` for a non-positive or non-integer size.
 */
export function bindClassWeights<O, K extends string>(
  fn: string,
  name: K,
  loss: (embeddings: TensorInput, labels: TensorInput, weights: tf.Tensor, options?: O) => tf.Tensor,
  options: ClassWeightFactoryOptions,
  init: ClassWeightInit,
  perClass: readonly [option: string, rows: number] = ['rowsPerClass', 1],
): TrainableLoss<O, K> {
  const rowsPerClass = perClass[1];
  checkPositive(fn, 'options.numClasses', options.numClasses);
  checkPositive(fn, 'options.embeddingSize', options.embeddingSize);
  checkPositive(fn, `options.${perClass[0]}`, rowsPerClass);
  const rows = options.numClasses * rowsPerClass;
  const shape = [rows, options.embeddingSize];
  const seed = options.seed ?? 0;
  const initial =
    init === 'kaimingUniform'
      ? tf.randomUniform(shape, -1 / Math.sqrt(rows), 1 / Math.sqrt(rows), 'float32', seed)
      : tf.randomNormal(shape, 0, init === 'normal' ? 1 : Math.sqrt(2 / options.numClasses), 'float32', seed);
  const variable = tf.variable(initial, true, undefined, 'float32');
  initial.dispose();
  return {
    loss: (embeddings, labels, lossOptions) => loss(embeddings, labels, variable, lossOptions),
    variables: { [name]: variable } as { readonly [n in K]: tf.Variable },
  };
}
