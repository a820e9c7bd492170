import * as tf from '@tensorflow/tfjs-core';
import {
  type AnyLossFn,
  checkOption,
  describeTensor,
  invalidOption,
  optionsObject,
  rejectUnknownOptions,
  seededRandom,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';

/** Options of {@link matryoshkaLoss}. */
export interface MatryoshkaLossOptions {
  /** Embedding sizes to train, e.g. `[768, 512, 256, 128, 64]` (any order; each ≤ the embedding width). */
  readonly dims: readonly number[];
  /** Weight of the loss at each of `dims` (same order). @defaultValue all 1 (sentence-transformers) */
  readonly weights?: readonly number[];
  /**
   * Positional arguments that are embeddings (truncated). @defaultValue for an xent loss, the inputs
   * whose last symbolic dim is `'D'` (so GISTEmbed's guides and CoSENT's scores stay whole); for a
   * plain function, every argument
   */
  readonly embeddingArgs?: readonly number[];
  /**
   * Dims used per call: a random subset of this many of `dims` (sentence-transformers'
   * `n_dims_per_step`), drawn anew at every call from a generator seeded with `seed`. @defaultValue all dims
   */
  readonly nDimsPerStep?: number;
  /** Seed of the `nDimsPerStep` draws: the same seed gives the same sequence of subsets. @defaultValue 0 */
  readonly seed?: number;
}

const FN = 'matryoshkaLoss';
/** Options of xent losses that hold embeddings and are truncated with them. */
const EMBEDDING_OPTIONS = ['hardNegatives'] as const;

function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof tf.Tensor) &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value)
  );
}

function truncate(value: TensorInput, dim: number, argument: string): tf.Tensor {
  const tensor = toTensor(value, FN, argument, 'float32');
  const width = tensor.shape[tensor.rank - 1];
  if (tensor.rank < 2 || width === undefined || dim > width) {
    throw new XentError('SHAPE_MISMATCH', {
      fn: FN,
      argument,
      expected: `embeddings [..., D] with D ≥ ${dim} (the largest of dims)`,
      received: describeTensor(tensor),
    });
  }
  if (dim === width) return tensor;
  const begin = tensor.shape.map(() => 0);
  const size = tensor.shape.map((s, axis) => (axis === tensor.rank - 1 ? dim : s));
  return tf.slice(tensor, begin, size);
}

/**
 * Matryoshka representation learning (Kusupati et al. 2022), sentence-transformers' `MatryoshkaLoss`:
 * wraps an embedding loss so it is applied to the first d dimensions of every embedding for each d
 * in `dims`, and the results summed with `weights`:
 *
 *   L(e₁, e₂, …) = Σ_d w_d · loss(e₁[:, :d], e₂[:, :d], …)
 *
 * so truncated embeddings stay useful. The wrapped function keeps the loss's signature (tensors, then
 * its options, which are passed through; an xent loss's `hardNegatives` option is truncated too).
 * It is a plain function of the embeddings, so it composes with {@link cachedContrastive}
 * (`loss: matryoshkaLoss((q, d) => infoNceLoss(q, d), { dims })`): the cached embedding gradients
 * are those of the sum, exactly. Degenerate: `dims: [D]` is the loss itself; dimensions beyond
 * max(dims) get a zero gradient. `nDimsPerStep` uses a seeded random subset of the dims per call
 * (ST's `n_dims_per_step`). Not provided: Matryoshka2d/AdaptiveLayer (a loss here sees embeddings, not
 * a model's layers).
 *
 * @param lossFn an embedding loss: an xent loss such as `infoNceLoss`, or any `(…tensors) => scalar`.
 * @returns a loss with the same arguments.
 * @see https://arxiv.org/abs/2205.13147
 * @example const loss = matryoshkaLoss(infoNceLoss, { dims: [384, 256, 128, 64] }); loss(q, d, { scale: 20 });
 */
export function matryoshkaLoss<F extends (...args: any[]) => tf.Tensor>(
  lossFn: F,
  options: MatryoshkaLossOptions,
): F {
  if (typeof lossFn !== 'function') invalidOption(FN, 'lossFn', 'a loss function', lossFn);
  rejectUnknownOptions(FN, optionsObject(FN, options), [
    'dims',
    'weights',
    'nDimsPerStep',
    'seed',
    'embeddingArgs',
  ]);
  checkOption(FN, 'seed', options.seed, { type: 'number', integer: true, description: 'an integer seed' });
  const { dims } = options;
  if (
    !Array.isArray(dims) ||
    dims.length === 0 ||
    !dims.every((d) => Number.isInteger(d) && d > 0) ||
    new Set(dims).size !== dims.length
  ) {
    invalidOption(
      FN,
      'dims',
      'a non-empty list of distinct positive integers',
      Array.isArray(dims) ? `[${dims}]` : dims,
    );
  }
  const weights = options.weights ?? dims.map(() => 1);
  if (
    !Array.isArray(weights) ||
    weights.length !== dims.length ||
    !weights.every((w) => Number.isFinite(w))
  ) {
    invalidOption(
      FN,
      'weights',
      `${dims.length} finite numbers (one per dim)`,
      Array.isArray(weights) ? `[${weights}]` : weights,
    );
  }
  const perStep = options.nDimsPerStep ?? dims.length;
  if (!Number.isInteger(perStep) || perStep < 1) {
    invalidOption(FN, 'nDimsPerStep', 'an integer ≥ 1', perStep);
  }
  const next = seededRandom(options.seed ?? 0);
  // Indices of the dims used by one call: all, or a fresh random subset of `perStep` of them.
  const pickDims = (): number[] => {
    const all = dims.map((_, k) => k);
    if (perStep >= dims.length) return all;
    for (let i = 0; i < perStep; i++) {
      const j = i + Math.floor(next() * (all.length - i));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    return all.slice(0, perStep).sort((a, b) => a - b);
  };
  const spec = (lossFn as unknown as Partial<AnyLossFn>).spec;
  const embeddingArgs =
    options.embeddingArgs ??
    spec?.inputs.flatMap((input, index) => (input.shape[input.shape.length - 1] === 'D' ? [index] : []));
  if (embeddingArgs !== undefined && !embeddingArgs.every((i) => Number.isInteger(i) && i >= 0)) {
    invalidOption(FN, 'embeddingArgs', 'argument indices', `[${embeddingArgs}]`);
  }
  const wrapped = (...args: unknown[]): tf.Tensor =>
    tf.tidy(FN, () => {
      const tensorCount = spec ? spec.inputs.length : args.length;
      const hasOptions =
        spec !== undefined && args.length === tensorCount + 1 && isOptionsObject(args[tensorCount]);
      const lossOptions = hasOptions ? (args[tensorCount] as Record<string, unknown>) : undefined;
      const tensors = hasOptions ? args.slice(0, tensorCount) : args;
      const truncated = (index: number) => embeddingArgs === undefined || embeddingArgs.includes(index);
      const nameOf = (index: number) => spec?.inputs[index]?.name ?? `argument ${index}`;
      // Every embedding argument must have the same width D (the prefixes alone would hide a mismatch).
      let width: { D: number; index: number } | undefined;
      tensors.forEach((arg, index) => {
        if (!truncated(index)) return;
        const tensor = toTensor(arg as TensorInput, FN, nameOf(index), 'float32');
        const D = tensor.shape[tensor.rank - 1]!;
        width ??= { D, index };
        if (D !== width.D)
          throw new XentError('SHAPE_MISMATCH', {
            fn: FN,
            argument: nameOf(index),
            expected: `embeddings [..., ${width.D}] (the width of ${nameOf(width.index)})`,
            received: describeTensor(tensor),
          });
      });
      const terms = pickDims().map((k) => {
        const dim = dims[k]!;
        const part = tensors.map((arg, index) =>
          truncated(index) ? truncate(arg as TensorInput, dim, nameOf(index)) : arg,
        );
        let partOptions = lossOptions;
        if (spec && lossOptions) {
          partOptions = { ...lossOptions };
          for (const name of EMBEDDING_OPTIONS) {
            const value = lossOptions[name];
            if (value !== undefined)
              partOptions[name] = truncate(value as TensorInput, dim, `options.${name}`);
          }
        }
        const value = lossFn(...part, ...(partOptions ? [partOptions] : []));
        return tf.mul(value, weights[k]!);
      });
      return terms.length === 1 ? terms[0]! : tf.addN(terms);
    });
  return wrapped as unknown as F;
}
