import * as tf from '@tensorflow/tfjs-core';
import {
  type Distance,
  describeTensor,
  differentLabelMask,
  gatherRowsSparse,
  invalidOption,
  type LossContext,
  type OptionSpec,
  type ReferenceSet,
  type ReferenceSetOptions,
  referenceSet,
  sameLabelMask,
  selectTuples,
  type TensorInput,
  type TupleOptions,
  type Tuples,
  toTensor,
  XentError,
} from '@xent/core';
import {
  indicesSpec,
  minerSpec,
  negativeMaskSpec,
  onMinedSpec,
  positiveMaskSpec,
  refEmbeddingsSpec,
  refLabelsSpec,
} from './option-spec-entries.js';

export type { MiningInfo, ReferenceSet, TupleOptions, Tuples } from '@xent/core';

/**
 * Core's reference set (`refEmbeddings`/`refLabels`, PML's `ref_emb`/`ref_labels`) and custom pair masks.
 */
export interface ReferenceOptions extends ReferenceSetOptions {
  /**
   * Custom label comparison for multi-label data (PML #669): `[B, M]` (M = B without a reference),
   * nonzero where (i, j) is a positive pair, 0 where it is a negative; replaces `labels[i] = ref[j]` for
   * the all-pairs path (self-pairs stay excluded without a reference). Miners still compare labels.
   * @defaultValue labels compared for equality
   */
  readonly positiveMask?: TensorInput;
  /**
   * With `positiveMask`: `[B, M]`, nonzero where (i, j) is a negative pair; pairs in neither mask are
   * ignored (partially overlapping multi-labels, or a cross-batch memory's own copies).
   * @defaultValue every pair that is not positive
   */
  readonly negativeMask?: TensorInput;
}

/** Option metadata for {@link TupleOptions}. */
export const tupleOptionSpecs: Record<'indices' | 'miner' | 'onMined', OptionSpec> = {
  indices: indicesSpec,
  miner: minerSpec,
  onMined: onMinedSpec,
};

/** Option metadata for {@link ReferenceOptions}. */
export const referenceOptionSpecs: Record<
  'refEmbeddings' | 'refLabels' | 'positiveMask' | 'negativeMask',
  OptionSpec
> = {
  refEmbeddings: refEmbeddingsSpec,
  refLabels: refLabelsSpec,
  positiveMask: positiveMaskSpec,
  negativeMask: negativeMaskSpec,
};

/** How the all-pairs path compares a query with a reference row. */
export interface Pairing {
  /** Labels of the reference set; undefined when it is the batch. */
  readonly refLabels?: tf.Tensor;
  /** float32 0/1 `[B, M]` custom positives (self-pairs not yet removed). */
  readonly positiveMask?: tf.Tensor;
  /** float32 0/1 `[B, M]` custom negatives (with `positiveMask`). */
  readonly negativeMask?: tf.Tensor;
}

function resolvePairMask(
  fn: string,
  name: 'positiveMask' | 'negativeMask',
  mask: TensorInput | undefined,
  rows: number,
  cols: number,
) {
  if (mask === undefined) return undefined;
  const tensor = toTensor(mask, fn, `options.${name}`);
  if (tensor.rank !== 2 || tensor.shape[0] !== rows || tensor.shape[1] !== cols)
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument: `options.${name}`,
      expected: `[${rows}, ${cols}] (batch × reference)`,
      received: describeTensor(tensor),
    });
  // Nonzero → 1 through a bool cast: tfjs-wasm's comparison kernels take ~2 ms on [512, 1024], a cast
  // ~0.6 ms, and nothing for a bool mask (crossBatchMemory passes those).
  return tf.cast(tf.cast(tensor, 'bool'), 'float32');
}

/** Option metadata for `distance` and `reducer`. */
export const distanceOptionSpec: OptionSpec = {
  type: 'other',
  plugin: 'distance',
  description: 'a Distance',
};
export const reducerOptionSpec: OptionSpec = { type: 'other', plugin: 'reducer', description: 'a Reducer' };

/** The inputs every batch-level metric loss takes. */
export const metricInputs = [
  { name: 'embeddings', dtype: 'float32', shape: ['B', 'D'], description: 'embeddings, one row per example' },
  { name: 'labels', dtype: 'int32', shape: ['B'], description: 'class ids' },
] as const;

function countMatrix(rows: tf.Tensor, cols: tf.Tensor, batch: number, width: number): tf.Tensor {
  if (rows.shape[0] === 0) return tf.zeros([batch, width]);
  const indices = tf.stack([rows, cols], 1);
  return tf.scatterND(indices, tf.cast(tf.onesLike(rows), 'float32'), [batch, width]);
}

/** Positive and negative pair multiplicities `[B, B]` (float counts; 0 = not a pair). */
export interface PairWeights {
  readonly pos: tf.Tensor;
  readonly neg: tf.Tensor;
}

/**
 * The 0/1 float pair masks `[B, M]` of the `'all'` tuples: every same-label pair (self excluded when the
 * reference is the batch) and every different-label pair, or the custom `positiveMask`/`negativeMask`.
 * Columns are the reference set (`refLabels`, default the batch).
 */
export function allPairs(labels: tf.Tensor, batch: number, pairing?: Pairing): PairWeights {
  const custom = pairing?.positiveMask;
  const ref = pairing?.refLabels;
  if (!custom)
    return {
      pos: tf.cast(sameLabelMask(labels, ref), 'float32'),
      neg: tf.cast(differentLabelMask(labels, ref), 'float32'),
    };
  // Custom masks: self-pairs removed unless there is a reference set.
  const notSelf = (mask: tf.Tensor) => (ref ? mask : tf.mul(mask, tf.sub(1, tf.eye(batch))));
  return { pos: notSelf(custom), neg: pairing.negativeMask ?? notSelf(tf.sub(1, custom)) };
}

/**
 * Pair multiplicities `[B, M]` from the tuples: {@link allPairs} for `'all'`; counts of each mined pair
 * otherwise (triplets give their (a, p) and (a, n) pairs, so a positive pair mined with k negatives
 * counts k times, as in PML). Columns are the reference set (`refLabels`, default the batch).
 */
export function pairWeights(
  tuples: Tuples,
  labels: tf.Tensor,
  batch: number,
  pairing?: Pairing,
): PairWeights {
  if (tuples.kind === 'all') return allPairs(labels, batch, pairing);
  const width = pairing?.refLabels?.shape[0] ?? batch;
  const pairs = tuples.kind === 'pairs';
  return {
    pos: countMatrix(pairs ? tuples.anchorsPositive : tuples.anchors, tuples.positives, batch, width),
    neg: countMatrix(pairs ? tuples.anchorsNegative : tuples.anchors, tuples.negatives, batch, width),
  };
}

/** 0/1 float masks of the pair sets (duplicates collapse), for the matrix-based losses. */
export function pairMasks(tuples: Tuples, labels: tf.Tensor, batch: number, pairing?: Pairing): PairWeights {
  const { pos, neg } = pairWeights(tuples, labels, batch, pairing);
  return { pos: tf.cast(tf.greater(pos, 0), 'float32'), neg: tf.cast(tf.greater(neg, 0), 'float32') };
}

/** Elements of a `[B, B]` matrix at (rows[k], cols[k]) as `[T]`, differentiable in the matrix. */
export function gatherPairs(matrix: tf.Tensor, rows: tf.Tensor, cols: tf.Tensor): tf.Tensor {
  const width = matrix.shape[1]!;
  return gatherRowsSparse(tf.reshape(matrix, [-1]), tf.add(tf.mul(rows, tf.scalar(width, 'int32')), cols));
}

/**
 * The common start of a pair/triplet loss with reference support: resolve the reference set, select
 * the tuples (a miner sees the reference too), and compute the `[B, M]` query × reference matrix.
 * `refLabels` is undefined when the reference is the batch itself.
 */
export function tuplesAndMatrix(
  context: LossContext,
  distance: Distance,
  embeddings: tf.Tensor,
  labels: tf.Tensor,
  options: TupleOptions & ReferenceOptions,
): { tuples: Tuples; matrix: tf.Tensor; pairing: Pairing; reference: ReferenceSet } {
  const reference = referenceSet(context.fn, embeddings, labels, options);
  const tuples = selectTuples(context, embeddings, labels, options, reference);
  const other = reference.isBatch ? undefined : reference;
  const [rows, cols] = [embeddings.shape[0]!, reference.embeddings.shape[0]!];
  const [positiveMask, negativeMask] = (['positiveMask', 'negativeMask'] as const).map((name) =>
    resolvePairMask(context.fn, name, options[name], rows, cols),
  );
  if (negativeMask && !positiveMask)
    invalidOption(
      context.fn,
      'negativeMask',
      'negativeMask together with positiveMask',
      'negativeMask alone',
    );
  return {
    tuples,
    matrix: distance.pairwise(embeddings, other?.embeddings),
    pairing: { refLabels: other?.labels, positiveMask, negativeMask },
    reference,
  };
}
