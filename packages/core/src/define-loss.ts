import * as tf from '@tensorflow/tfjs-core';
import { checkNonNegative } from './check-non-negative.js';
import { IGNORE_INDEX_OPTION, REDUCTION_OPTION, VALIDATE_OPTION } from './common-options.js';
import { throwDeferredFailure } from './data-checks.js';
import { XentError } from './errors.js';
import {
  flattenLeading,
  flattenWeights,
  type LeadingDims,
  readLeadingDims,
  withLeadingDims,
} from './leading-dims.js';
import type {
  InferredBatchSpec,
  InferredPerExampleSpec,
  LossFn,
  OptionSpecs,
  OptionsOf,
} from './loss-types.js';
import { checkOption, type OptionSpec, type Reduction } from './options.js';
import { clampIds } from './primitives/clamp-ids.js';
import { reduceLosses } from './reduce.js';
import { rejectUnknownOptions } from './resolve-options.js';
import { describeTensor, type InputDType, inferShape, type TensorInput, toTensor } from './tensor-input.js';
import {
  checkClassIds,
  checkFinite,
  checkNonEmpty,
  checkShape,
  checkValueRange,
  type Dim,
  type DimBindings,
} from './validate.js';

/** Families the registry groups losses by; plugins may add their own. */
export type LossFamily = 'classification' | 'distillation' | 'metric' | 'retrieval' | (string & {});

/** One positional tensor argument of a loss. */
export interface InputSpec<Name extends string = string> {
  readonly name: Name;
  /**
   * `'labels'`: int32 class ids of shape `shape` minus its last dim, or float32 targets (one-hot, soft
   * or multi-hot, values in [0, 1]) of the full `shape`, whose last dim is the number of classes.
   */
  readonly dtype: InputDType | 'labels';
  /** Symbolic dims are bound across arguments: `['N', 'C']`. Axis 0 of the first input is the batch. */
  readonly shape: readonly Dim[];
  readonly description: string;
  /** With validation on, reject NaN/±Inf in this float input. @defaultValue true */
  readonly finite?: boolean;
}

/** Options every per-example loss takes. */
export interface ReductionOptions {
  /** @defaultValue 'mean' */
  readonly reduction?: Reduction;
  /**
   * Per-example weights (≥ 0): `[N]`, or for inputs with leading dims `[B, T, …]` the full leading
   * shape `[B, T]` or a prefix of it (`[B]`: one weight per sequence, broadcast over its positions).
   * `'mean'` divides by their sum (times the ignore mask), not by N.
   */
  readonly weights?: TensorInput;
  /** Data-dependent checks (label range, finiteness); turn off in hot loops. @defaultValue true */
  readonly validate?: boolean;
}

/** Option of losses with class-id labels: rows whose label equals it are dropped (and from the mean). */
export interface IgnoreIndexOptions {
  /** Label value to ignore. @defaultValue none */
  readonly ignoreIndex?: number;
}

/** The paper (or code) a loss comes from. */
export interface LossReference {
  readonly title: string;
  readonly url: string;
  readonly year?: number;
  readonly authors?: string;
}

const COMMON_OPTIONS = new Set(['reduction', 'weights', 'validate', 'ignoreIndex']);
const BATCH_OPTIONS = new Set(['validate']);

/** Inputs by name, as tensors, handed to `perExample`/`batch`. */
export type InputsOf<In extends readonly InputSpec[]> = {
  readonly [S in In[number] as S['name']]: tf.Tensor;
};

/** Options with defaults filled in. */
export type ResolvedOptions<O, D> = Readonly<
  Omit<O, keyof D> & { [K in keyof D & keyof O]-?: Exclude<O[K], undefined> }
>;

/** What core learned while validating a call. */
export interface LossContext {
  /** The public name, for error messages. */
  readonly fn: string;
  /** Symbolic dims bound from the inputs (`dims.get('C')?.size`). */
  readonly dims: DimBindings;
  /** Number of classes when the loss has a labels input. */
  readonly numClasses: number | undefined;
  /** Whether data-dependent validation is on. */
  readonly validate: boolean;
  /**
   * The caller's leading dims (`[N]`, or `[B, T]` for a sequence) when the spec has
   * `leadingDims: 'flatten'`; the formula sees them flattened to `[M]` (`dims.get('N')` is M).
   */
  readonly leadingShape?: readonly number[];
}

/** What every loss spec declares besides its options and formula. */
export interface LossSpecBase<In extends readonly InputSpec[]> {
  readonly specVersion?: 1;
  /**
   * `'<package>/<loss>'`: the package's name (a scoped one as is: `'@acme/losses/taylor'`, an unscoped
   * one or its short name: `'xent/focal'`) then the loss, in lowercase `a-z 0-9 . _ -`.
   */
  readonly id: `${string}/${string}`;
  /** The exported function name, used in error messages: `'focalLoss'`. */
  readonly name: string;
  readonly family: LossFamily;
  readonly summary: string;
  readonly reference?: LossReference;
  readonly inputs: In;
  /**
   * `'flatten'` for per-example losses whose rows are independent: the batch dim (axis 0 of the
   * first input, `'N'`) then stands for any number of leading dims — logits `[B, T, C]` with labels
   * `[B, T]` or `[B, T, C]`. Core checks that every input declared `[N, …]` has the same leading dims,
   * hands the formula `[M, …]` rows (M = B·T), broadcasts `weights`, drops ignored positions from the
   * mean and returns `[B, T]` with `reduction: 'none'`. Leave unset where rows interact (in-batch
   * negatives, batch statistics). @defaultValue undefined (axis 0 is the only leading dim)
   */
  readonly leadingDims?: 'flatten';
}

/** The plugin contract: everything a loss is, from which {@link defineLoss} builds the callable. */
export interface LossSpec<In extends readonly InputSpec[], O extends object, D extends Partial<O>>
  extends LossSpecBase<In> {
  readonly defaults: D;
  /** Metadata (range, type, description) for each loss-specific option; unknown options are rejected. */
  readonly options?: { readonly [K in keyof O]?: OptionSpec };
  /** Extra checks beyond the declared shapes (cross-input constraints, data-dependent ones). */
  check?(inputs: InputsOf<In>, options: ResolvedOptions<O, D>, context: LossContext): void;
  /** Per-example losses `[N]`: no reduction, no weights, no ignore mask (core applies those). */
  readonly perExample?: (
    inputs: InputsOf<In>,
    options: ResolvedOptions<O, D>,
    context: LossContext,
  ) => tf.Tensor;
  /** For batch-level losses (reducers, pairs across the batch): the final scalar. */
  batch?(inputs: InputsOf<In>, options: ResolvedOptions<O, D>, context: LossContext): tf.Tensor;
}

/** Any loss, for registries and generic code. */
export interface AnyLossFn {
  (...args: any[]): tf.Tensor;
  readonly spec: AnyLossSpec;
}

/** Any loss spec, for registries and generic code. */
export interface AnyLossSpec
  extends Omit<
    LossSpec<readonly InputSpec[], any, any>,
    'defaults' | 'options' | 'check' | 'perExample' | 'batch'
  > {
  readonly defaults: object;
  readonly options?: object;
  check?(inputs: any, options: any, context: LossContext): void;
  perExample?(inputs: any, options: any, context: LossContext): tf.Tensor;
  batch?(inputs: any, options: any, context: LossContext): tf.Tensor;
}

function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof tf.Tensor || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  return true;
}

function splitArguments(name: string, inputs: readonly InputSpec[], args: readonly unknown[]) {
  const hasOptions =
    args.length === inputs.length + 1 &&
    (args[args.length - 1] === undefined || isOptionsObject(args[args.length - 1]));
  const tensors = hasOptions ? args.slice(0, -1) : args;
  if (tensors.length !== inputs.length) {
    throw new XentError('INVALID_OPTION', {
      fn: name,
      expected: `${inputs.length} tensor arguments (${inputs.map((i) => i.name).join(', ')}) then an optional options object`,
      received: `${args.length} arguments`,
    });
  }
  return {
    tensors: tensors as TensorInput[],
    options: (hasOptions ? (args[args.length - 1] ?? {}) : {}) as Record<string, unknown>,
  };
}

function convertLabels(name: string, spec: InputSpec, value: TensorInput, leading?: LeadingDims): tf.Tensor {
  const declared = leading ? withLeadingDims(spec.shape, leading) : spec.shape;
  const idsRank = declared.length - 1;
  const rank = value instanceof tf.Tensor ? value.rank : inferShape(value)?.length;
  if (!(value instanceof tf.Tensor))
    return toTensor(value, name, spec.name, rank === idsRank ? 'int32' : 'float32');
  if (value.dtype === 'int32' && rank === idsRank) return value;
  if (value.dtype === 'float32' && rank === declared.length) return value;
  // A wrong dtype at a valid rank (float ids, int targets, bool) is a dtype error; else a shape error.
  const sameLeading = !leading || leading.shape.every((d, axis) => value.shape[axis] === d);
  const shapeError =
    !sameLeading ||
    (value.dtype === 'int32' && rank !== declared.length) ||
    (value.dtype === 'float32' && rank !== idsRank);
  throw new XentError(shapeError ? 'SHAPE_MISMATCH' : 'DTYPE_MISMATCH', {
    fn: name,
    argument: spec.name,
    expected: `int32 class ids [${declared.slice(0, -1).join(', ')}] or float32 targets [${declared.join(', ')}]`,
    received: describeTensor(value),
  });
}

function checkWeights(name: string, weights: tf.Tensor, batch: number, validate: boolean): void {
  if (weights.rank !== 1 || weights.shape[0] !== batch) {
    throw new XentError('SHAPE_MISMATCH', {
      fn: name,
      argument: 'options.weights',
      expected: `float32 [N] with N = ${batch}`,
      received: describeTensor(weights),
    });
  }
  if (validate) checkWeightValues(name, weights);
}

function checkWeightValues(name: string, weights: tf.Tensor): void {
  checkNonNegative(name, 'options.weights', weights, 'weights ≥ 0');
}

function resolveOptions(
  spec: LossSpec<any, any, any>,
  user: Record<string, unknown>,
): Record<string, unknown> {
  const allowedCommon = spec.batch ? BATCH_OPTIONS : COMMON_OPTIONS;
  const hasLabels = spec.inputs.some((input: InputSpec) => input.dtype === 'labels');
  const names = [
    ...new Set([...allowedCommon, ...Object.keys(spec.defaults), ...Object.keys(spec.options ?? {})]),
  ].filter((n) => n !== 'ignoreIndex' || hasLabels);
  rejectUnknownOptions(spec.name, user, names);
  const merged: Record<string, unknown> = { ...spec.defaults };
  for (const [key, value] of Object.entries(user)) if (value !== undefined) merged[key] = value;
  checkOption(spec.name, 'reduction', merged.reduction, REDUCTION_OPTION);
  checkOption(spec.name, 'validate', merged.validate, VALIDATE_OPTION);
  checkOption(spec.name, 'ignoreIndex', merged.ignoreIndex, IGNORE_INDEX_OPTION);
  for (const [key, optionSpec] of Object.entries(spec.options ?? {})) {
    checkOption(spec.name, key, merged[key], optionSpec as OptionSpec);
  }
  return merged;
}

/**
 * Turns a {@link LossSpec} into a callable loss `fn(...tensors, options?)` that carries its spec. Core
 * does, in order: argument split, option check and defaults, TensorLike conversion, dtype and symbolic
 * shape checks, empty batch, (with `validate`) finiteness and label range, the spec's `check`, the
 * `ignoreIndex` mask, the spec's formula, weights and reduction — all inside one named tidy scope.
 *
 * Without type arguments the options are inferred from `defaults` and `options` metadata (number,
 * boolean, enum unions; the default's type otherwise) plus the common ones (`reduction`, `weights`,
 * `validate`, and `ignoreIndex` with a labels input; a `batch` loss: `validate`). With type arguments
 * `<Inputs, Options, Defaults>` the options are yours. Either way the callable names its parameters
 * after the inputs and returns `tf.Scalar` (`'mean'`/`'sum'`), `tf.Tensor1D` (`'none'`).
 *
 * @example
 *   export const myLoss = defineLoss({
 *     id: 'acme/my-loss', name: 'myLoss', family: 'classification', summary: '…',
 *     inputs: [{ name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'scores' },
 *              { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'ids or targets' }],
 *     defaults: { scale: 1 },
 *     options: { scale: { type: 'number', min: 0, description: 'multiplier' } },
 *     perExample: ({ logits, labels }, { scale }, { numClasses }) =>
 *       tf.mul(tf.neg(tf.sum(tf.mul(classTargets(labels, numClasses!), logSoftmax(logits)), -1)), scale),
 *   });
 */
export function defineLoss<
  const In extends readonly InputSpec[],
  D extends object,
  const M extends OptionSpecs,
  const Id extends `${string}/${string}`,
>(
  spec: InferredPerExampleSpec<In, D, M, OptionsOf<In, D, M, false>, Id>,
): LossFn<In, OptionsOf<In, D, M, false>, D>;
export function defineLoss<
  const In extends readonly InputSpec[],
  D extends object,
  const M extends OptionSpecs,
  const Id extends `${string}/${string}`,
>(spec: InferredBatchSpec<In, D, M, OptionsOf<In, D, M, true>, Id>): LossFn<In, OptionsOf<In, D, M, true>, D>;
export function defineLoss<
  const In extends readonly InputSpec[],
  O extends object,
  const D extends Partial<O>,
>(spec: LossSpec<In, O, D>): LossFn<In, O, D>;
export function defineLoss(spec: LossSpec<readonly InputSpec[], any, any>): AnyLossFn {
  if ((spec.perExample === undefined) === (spec.batch === undefined)) {
    throw new Error(`defineLoss(${spec.id}): give exactly one of perExample and batch`);
  }
  if (spec.leadingDims !== undefined && spec.batch !== undefined) {
    throw new Error(`defineLoss(${spec.id}): leadingDims applies to perExample losses only`);
  }
  const labelsIndex = spec.inputs.findIndex((input) => input.dtype === 'labels');
  const loss = (...args: unknown[]): tf.Tensor => {
    const { tensors, options: userOptions } = splitArguments(spec.name, spec.inputs, args);
    const options = resolveOptions(spec as LossSpec<any, any, any>, userOptions);
    const validate = options.validate !== false;
    if (validate) throwDeferredFailure();
    return tf.tidy(spec.name, () => {
      const dims: DimBindings = new Map();
      const inputs: Record<string, tf.Tensor> = {};
      // As passed (leading dims intact), for data checks that report positions.
      const given: Record<string, tf.Tensor> = {};
      let leading: LeadingDims | undefined;
      spec.inputs.forEach((input, index) => {
        const value = tensors[index]!;
        const tensor =
          input.dtype === 'labels'
            ? convertLabels(spec.name, input, value, leading)
            : toTensor(value, spec.name, input.name, input.dtype);
        const shape =
          input.dtype === 'labels' && tensor.dtype === 'int32' ? input.shape.slice(0, -1) : input.shape;
        if (index === 0 && spec.leadingDims === 'flatten') {
          leading = readLeadingDims(tensor, shape);
          if (leading && leading.shape.length > 1)
            dims.set(leading.symbol, { size: leading.rows, from: input.name });
        }
        const declared = leading ? withLeadingDims(shape, leading) : shape;
        checkShape(spec.name, input.name, tensor, declared, dims);
        if (index === 0)
          checkNonEmpty(spec.name, input.name, leading ? flattenLeading(tensor, leading) : tensor);
        given[input.name] = tensor;
        inputs[input.name] = declared === shape ? tensor : flattenLeading(tensor, leading!);
      });
      const labelsSpec = labelsIndex >= 0 ? spec.inputs[labelsIndex] : undefined;
      const classDim = labelsSpec?.shape[labelsSpec.shape.length - 1];
      const numClasses =
        typeof classDim === 'number'
          ? classDim
          : classDim === undefined
            ? undefined
            : dims.get(classDim)?.size;
      const ignoreIndex = options.ignoreIndex as number | undefined;
      if (validate) {
        for (const input of spec.inputs) {
          const tensor = given[input.name]!;
          if (input.dtype === 'float32' && input.finite !== false) checkFinite(spec.name, input.name, tensor);
          if (input.dtype === 'labels') {
            if (tensor.dtype === 'int32')
              checkClassIds(spec.name, input.name, tensor, numClasses!, ignoreIndex);
            else checkValueRange(spec.name, input.name, tensor, 0, 1);
          }
        }
      }
      const context: LossContext = {
        fn: spec.name,
        dims,
        numClasses,
        validate,
        ...(leading ? { leadingShape: leading.shape } : {}),
      };
      const resolved = options;
      spec.check?.(inputs, resolved, context);
      if (spec.batch) return spec.batch(inputs, resolved, context);

      const batch = inputs[spec.inputs[0]!.name]!.shape[0]!;
      let weights =
        options.weights === undefined
          ? undefined
          : toTensor(options.weights as TensorInput, spec.name, 'options.weights', 'float32');
      if (weights && leading && leading.shape.length > 1) {
        if (validate) checkWeightValues(spec.name, weights);
        weights = flattenWeights(spec.name, weights, leading);
      } else if (weights) checkWeights(spec.name, weights, batch, validate);
      const labels = labelsSpec ? inputs[labelsSpec.name]! : undefined;
      if (labels && labels.dtype === 'int32' && ignoreIndex !== undefined) {
        const keep = tf.notEqual(labels, ignoreIndex);
        inputs[labelsSpec!.name] = tf.where(keep, labels, tf.zerosLike(labels));
        const keepFloat = tf.cast(keep, 'float32');
        weights = weights ? tf.mul(weights, keepFloat) : keepFloat;
      }
      // Unchecked ids must not index out of bounds on any backend (wasm does not check).
      if (labels && labels.dtype === 'int32' && !validate)
        inputs[labelsSpec!.name] = clampIds(inputs[labelsSpec!.name]!, numClasses!);
      const perExample = spec.perExample!(inputs, resolved, context);
      if (perExample.rank !== 1 || perExample.shape[0] !== batch) {
        throw new Error(
          `${spec.name}: perExample returned ${describeTensor(perExample)}, expected [${batch}]`,
        );
      }
      const reduction = (options.reduction as Reduction | undefined) ?? 'mean';
      const reduced = reduceLosses(perExample, reduction, weights);
      return reduction === 'none' && leading && leading.shape.length > 1
        ? tf.reshape(reduced, [...leading.shape])
        : reduced;
    });
  };
  return Object.assign(loss, { spec }) as unknown as AnyLossFn;
}
