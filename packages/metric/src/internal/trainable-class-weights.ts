import * as tf from '@tensorflow/tfjs-core';
import { type OptionSchema, resolveOptions, seededNormal, seededRandom, type TensorInput } from '@xent/core';

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
 * of `loss`. Throws `INVALID_OPTION` for an unknown option or a non-positive or non-integer size.
 */
export function bindClassWeights<O, K extends string>(
  fn: string,
  name: K,
  loss: (embeddings: TensorInput, labels: TensorInput, weights: tf.Tensor, options?: O) => tf.Tensor,
  options: ClassWeightFactoryOptions,
  init: ClassWeightInit,
  perClass: readonly [option: string, rows: number] = ['rowsPerClass', 1],
): TrainableLoss<O, K> {
  const [perClassOption, rowsPerClass] = perClass;
  const size = { type: 'number', min: 1, integer: true, required: true } as const;
  const schema = {
    numClasses: { ...size, description: 'number of classes C' },
    embeddingSize: { ...size, description: 'embedding size D' },
    seed: { type: 'number', integer: true, description: 'seed of the initialisation (0 is a seed)' },
    [perClassOption]: { type: 'number', min: 1, integer: true, description: 'rows per class' },
  } as OptionSchema<ClassWeightFactoryOptions>;
  const { numClasses, embeddingSize, seed } = resolveOptions(fn, schema, options, { seed: 0 });
  const rows = numClasses * rowsPerClass;
  const shape = [rows, embeddingSize];
  // Drawn on the host from core's seeded generator: every seed, 0 included, is reproducible (tfjs's
  // own random ops read a seed of 0 as "random").
  const initial =
    init === 'kaimingUniform'
      ? uniform(shape, 1 / Math.sqrt(rows), seed)
      : seededNormal(shape, seed, 0, init === 'normal' ? 1 : Math.sqrt(2 / numClasses));
  const variable = tf.variable(initial, true, undefined, 'float32');
  initial.dispose();
  return {
    loss: (embeddings, labels, lossOptions) => loss(embeddings, labels, variable, lossOptions),
    variables: { [name]: variable } as { readonly [n in K]: tf.Variable },
  };
}

/** U(−bound, bound) samples from core's seeded generator. */
function uniform(shape: readonly number[], bound: number, seed: number): tf.Tensor {
  const next = seededRandom(seed);
  const values = Float32Array.from({ length: shape[0]! * shape[1]! }, () => (2 * next() - 1) * bound);
  return tf.tensor(values, shape as number[], 'float32');
}
