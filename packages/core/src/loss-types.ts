import type * as tf from '@tensorflow/tfjs-core';
import type {
  IgnoreIndexOptions,
  InputSpec,
  InputsOf,
  LossContext,
  LossSpec,
  LossSpecBase,
  ReductionOptions,
  ResolvedOptions,
} from './define-loss.js';
import type { OptionSpec } from './options.js';
import type { TensorInput } from './tensor-input.js';

/**
 * Parameter names that editors show for a loss's tensor arguments, by input name: a loss whose spec
 * declares inputs `logits` and `labels` is typed `(logits: TensorInput, labels: TensorInput,
 * options?)`. TypeScript cannot make a parameter name out of a string, so names come from this table;
 * a plugin adds its own by augmentation (other names show as `input`):
 *
 * @example
 *   declare module '@xent/core' {
 *     interface NamedInputs { spans: [spans: TensorInput] }
 *   }
 */
export interface NamedInputs {
  anchors: [anchors: TensorInput];
  auxLogits: [auxLogits: TensorInput];
  classifier: [classifier: TensorInput];
  docs: [docs: TensorInput];
  embeddings: [embeddings: TensorInput];
  inputs: [inputs: TensorInput];
  labels: [labels: TensorInput];
  logits: [logits: TensorInput];
  mainLogits: [mainLogits: TensorInput];
  mixed: [mixed: TensorInput];
  negatives: [negatives: TensorInput];
  negativeScores: [negativeScores: TensorInput];
  positiveMask: [positiveMask: TensorInput];
  positives: [positives: TensorInput];
  positiveScores: [positiveScores: TensorInput];
  predictions: [predictions: TensorInput];
  probabilities: [probabilities: TensorInput];
  prototypes: [prototypes: TensorInput];
  proxies: [proxies: TensorInput];
  queries: [queries: TensorInput];
  scores: [scores: TensorInput];
  studentLogits: [studentLogits: TensorInput];
  targets: [targets: TensorInput];
  teacherLogits: [teacherLogits: TensorInput];
  teacherMargins: [teacherMargins: TensorInput];
}

type NamedArg<Name> = Name extends keyof NamedInputs ? NamedInputs[Name] : [input: TensorInput];

/** The positional tensor parameters of a loss, named after its inputs (see {@link NamedInputs}). */
export type LossArgs<In extends readonly InputSpec[]> = In extends readonly [
  infer Head extends InputSpec,
  ...infer Rest extends readonly InputSpec[],
]
  ? [...NamedArg<Head['name']>, ...LossArgs<Rest>]
  : [];

/** Whether a loss has a `labels` input (and so takes `ignoreIndex`). */
type HasLabels<In extends readonly InputSpec[]> = 'labels' extends In[number]['dtype'] ? true : false;

/** Options core accepts for every loss built from an inferred spec. */
export type CommonOptions<In extends readonly InputSpec[], Batch extends boolean> = Batch extends true
  ? { readonly validate?: boolean }
  : ReductionOptions & (HasLabels<In> extends true ? IgnoreIndexOptions : unknown);

/** Option metadata by name, as in a spec's `options`. */
export type OptionSpecs = { readonly [name: string]: OptionSpec };

type Widen<T> = T extends number ? number : T extends string ? string : T extends boolean ? boolean : T;

/** The type an option's metadata describes (`'other'`: the default's type, else `unknown`). */
type OptionValue<Meta, Default> = Meta extends { readonly type: 'number' }
  ? number
  : Meta extends { readonly type: 'boolean' }
    ? boolean
    : Meta extends { readonly type: 'enum'; readonly values: readonly (infer V)[] }
      ? V
      : [Default] extends [never]
        ? unknown
        : Widen<Default>;

/** `M` unless nothing was inferred for it (then the constraint, with an index signature, comes back). */
type Declared<M> = string extends keyof M ? Record<never, never> : M;

/** Loss-specific options inferred from a spec's `defaults` and `options` metadata. */
export type InferredOptions<D, M> = {
  readonly [K in keyof D | keyof Declared<M>]?: K extends keyof Declared<M>
    ? OptionValue<Declared<M>[K], K extends keyof D ? D[K] : never>
    : K extends keyof D
      ? Widen<D[K]>
      : never;
};

/** Flattens an intersection for readable hovers. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Options of a loss defined without type arguments: inferred ones plus the common ones. */
export type OptionsOf<In extends readonly InputSpec[], D, M, Batch extends boolean> = Simplify<
  InferredOptions<D, M> & CommonOptions<In, Batch>
>;

/** What {@link defineLoss} accepts when it infers the options (`D`: defaults, `M`: option metadata). */
export interface InferredLossSpec<In extends readonly InputSpec[], D, M, O, Id extends `${string}/${string}`>
  extends LossSpecBase<In> {
  readonly id: Id;
  readonly defaults: D;
  /** Metadata (range, type, description) for each loss-specific option; types are inferred from it. */
  readonly options?: M;
  check?(inputs: InputsOf<In>, options: ResolvedOptions<O, D>, context: LossContext): void;
}

/** A per-example spec: {@link InferredLossSpec} with `perExample`. */
export interface InferredPerExampleSpec<
  In extends readonly InputSpec[],
  D,
  M,
  O,
  Id extends `${string}/${string}`,
> extends InferredLossSpec<In, D, M, O, Id> {
  readonly perExample: (
    inputs: InputsOf<In>,
    options: ResolvedOptions<O, D>,
    context: LossContext,
  ) => tf.Tensor;
  readonly batch?: undefined;
}

/** A batch-level spec: {@link InferredLossSpec} with `batch`. */
export interface InferredBatchSpec<In extends readonly InputSpec[], D, M, O, Id extends `${string}/${string}`>
  extends InferredLossSpec<In, D, M, O, Id> {
  batch(inputs: InputsOf<In>, options: ResolvedOptions<O, D>, context: LossContext): tf.Tensor;
  readonly perExample?: undefined;
}

/** Call signatures of a per-example loss: the result's type follows `reduction`. */
export interface ReducedLossCall<A extends unknown[], O> {
  /** `'mean'` (the default) or `'sum'`: a scalar. */
  (...args: [...A, options?: O & { readonly reduction?: 'mean' | 'sum' }]): tf.Scalar;
  /** `'none'`: the per-example losses `[N]`. */
  (...args: [...A, options: O & { readonly reduction: 'none' }]): tf.Tensor1D;
  (...args: [...A, options?: O]): tf.Tensor;
}

/** Call signature of a batch-level loss (no `reduction`): always a scalar. */
export type BatchLossCall<A extends unknown[], O> = (...args: [...A, options?: O]) => tf.Scalar;

/** The call signatures of a loss with inputs `In` and options `O`. */
export type LossCall<In extends readonly InputSpec[], O> = number extends In['length']
  ? (...args: any[]) => tf.Tensor
  : 'reduction' extends keyof O
    ? ReducedLossCall<LossArgs<In>, O>
    : BatchLossCall<LossArgs<In>, O>;

/** Type-only key carrying a loss's options type (nothing at run time). */
declare const lossOptionsType: unique symbol;

/**
 * A loss: call it with tensors then one options object; it carries its spec. With `reduction` `'mean'`
 * or `'sum'` (or none) it returns a `tf.Scalar`, with `'none'` a `tf.Tensor1D`.
 */
export type LossFn<
  In extends readonly InputSpec[] = readonly InputSpec[],
  O extends object = any,
  D = any,
> = LossCall<In, O> & {
  readonly spec: LossSpec<In, O, D & Partial<O>>;
  /** Type-level only: the loss's options, for {@link LossOptions}. */
  readonly [lossOptionsType]?: O;
};

/** The options object a loss takes: `LossOptions<typeof focalLoss>`. */
export type LossOptions<F> = F extends { readonly [lossOptionsType]?: infer O }
  ? unknown extends O
    ? Record<string, unknown>
    : O
  : Record<string, unknown>;
