import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  invalidOption,
  type OptionSchema,
  type ReductionOptions,
  resolveOptions,
  type TensorInput,
} from '@xent/core';
import { type ScalarInput, scalarOption } from './internal/options.js';
import { type SimilarityKind, similarityMatrix, similarityOption } from './internal/similarity.js';

/** Options for {@link sigmoidLoss}. */
export interface SigmoidLossOptions extends ReductionOptions {
  /** Temperature t multiplying the similarities (a scalar tensor makes it learnable). @defaultValue 10 */
  readonly temperature?: ScalarInput;
  /** Bias b added to the logits (a scalar tensor makes it learnable). @defaultValue -10 */
  readonly bias?: ScalarInput;
  /** @defaultValue 'cosine' */
  readonly similarity?: SimilarityKind;
}

const inputs = [
  { name: 'queries', dtype: 'float32', shape: ['N', 'D'], description: 'query (image) embeddings' },
  {
    name: 'docs',
    dtype: 'float32',
    shape: ['N', 'D'],
    description: 'document (text) embeddings, row i matches query i',
  },
] as const;

/**
 * SigLIP pairwise sigmoid loss (Zhai et al., ICCV 2023): an independent binary decision per pair,
 * positives on the diagonal.
 *
 *   ℓᵢ = Σⱼ −log σ( zᵢⱼ·(t·sim(qᵢ, dⱼ) + b) ),   zᵢⱼ = +1 if i = j else −1
 *
 * The mean over i divides by N (the paper's 1/|B|), not N². For learnable t and b use
 * {@link createSigmoidLoss} (t = exp(t′), so t stays positive).
 *
 * @param queries float32 `[N, D]`.  @param docs float32 `[N, D]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2303.15343
 * @example const loss = sigmoidLoss(imageEmb, textEmb, { temperature: 10, bias: -10 });
 */
export const sigmoidLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  SigmoidLossOptions,
  { temperature: number; bias: number; similarity: SimilarityKind }
>({
  id: 'xent/sigmoid',
  name: 'sigmoidLoss',
  family: 'retrieval',
  summary: 'SigLIP: one sigmoid binary cross-entropy per query–document pair, positives on the diagonal.',
  reference: {
    title: 'Sigmoid Loss for Language Image Pre-Training',
    url: 'https://arxiv.org/abs/2303.15343',
    year: 2023,
  },
  inputs,
  defaults: { temperature: 10, bias: -10, similarity: 'cosine' },
  options: {
    temperature: { type: 'other', description: 'logit scale t > 0 (number or scalar tensor)' },
    bias: { type: 'other', description: 'logit bias b (number or scalar tensor)' },
    similarity: similarityOption,
  },
  check: (_inputs, { temperature }, context) => {
    if (typeof temperature === 'number' && !(temperature > 0)) {
      invalidOption(context.fn, 'temperature', 'a number > 0 or a scalar tensor', temperature);
    }
  },
  perExample: ({ queries, docs }, { temperature, bias, similarity }, context) => {
    const t = scalarOption(context.fn, 'temperature', temperature);
    const b = scalarOption(context.fn, 'bias', bias);
    const n = queries.shape[0]!;
    const logits = tf.add(tf.mul(similarityMatrix(queries, docs, similarity), t), b);
    const signs = tf.sub(tf.mul(tf.eye(n), 2), 1);
    return tf.sum(tf.softplus(tf.neg(tf.mul(signs, logits))), -1);
  },
});

/** Options for {@link createSigmoidLoss}. */
export interface CreateSigmoidLossOptions {
  /** Initial temperature t (stored as log t). @defaultValue 10 */
  readonly temperature?: number;
  /** Initial bias b. @defaultValue -10 */
  readonly bias?: number;
  /** @defaultValue 'cosine' */
  readonly similarity?: SimilarityKind;
}

const CREATE_OPTIONS: OptionSchema<CreateSigmoidLossOptions> = {
  temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'initial temperature t' },
  bias: { type: 'number', description: 'initial bias b' },
  similarity: similarityOption,
};

/** A SigLIP loss with its learnable temperature and bias. */
export interface LearnableSigmoidLoss {
  /** {@link sigmoidLoss} with the current t = exp(logTemperature) and b. */
  (
    queries: TensorInput,
    docs: TensorInput,
    options?: Omit<SigmoidLossOptions, 'temperature' | 'bias'>,
  ): tf.Tensor;
  readonly logTemperature: tf.Variable;
  readonly bias: tf.Variable;
  /** Both variables, to hand to an optimizer with the model's. */
  readonly variables: readonly tf.Variable[];
  /** Frees both variables. */
  dispose(): void;
}

/**
 * SigLIP with learnable t′ = log t and b (initialised to log 10 and −10 as in the paper); train them
 * with the model (`optimizer.minimize` picks up trainable variables read in the closure).
 * @example const siglip = createSigmoidLoss(); optimizer.minimize(() => siglip(model(x), model(y)));
 */
export function createSigmoidLoss(options: CreateSigmoidLossOptions = {}): LearnableSigmoidLoss {
  const {
    temperature,
    bias: initialBias,
    similarity,
  } = resolveOptions('createSigmoidLoss', CREATE_OPTIONS, options, {
    temperature: 10,
    bias: -10,
    similarity: 'cosine',
  });
  const logTemperature = tf.tidy(() => tf.variable(tf.scalar(Math.log(temperature)), true));
  const bias = tf.tidy(() => tf.variable(tf.scalar(initialBias), true));
  const loss = (queries: TensorInput, docs: TensorInput, callOptions: SigmoidLossOptions = {}) =>
    tf.tidy(() => {
      for (const fixed of ['temperature', 'bias'] as const) {
        if (callOptions !== null && typeof callOptions === 'object' && fixed in callOptions)
          invalidOption('createSigmoidLoss', fixed, 'not given per call (it is learned)', callOptions[fixed]);
      }
      return sigmoidLoss(queries, docs, {
        similarity,
        ...callOptions,
        temperature: tf.exp(logTemperature),
        bias,
      });
    });
  return Object.assign(loss, {
    logTemperature,
    bias,
    variables: [logTemperature, bias] as const,
    dispose: () => tf.dispose([logTemperature, bias]),
  });
}
