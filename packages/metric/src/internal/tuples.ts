import * as tf from '@tensorflow/tfjs-core';
import {
  checkValueRange,
  clampIds,
  type Distance,
  describeTensor,
  differentLabelMask,
  gatherRowsSparse,
  invalidOption,
  type LossContext,
  type Miner,
  type OptionSpec,
  type PairIndices,
  readSyncIfPossible,
  sameLabelMask,
  type TensorInput,
  type TripletIndices,
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

/** What the pair/triplet selection of one loss call found, given to the `onMined` callback. */
export interface MiningInfo {
  /** Where the tuples came from: every valid pair/triplet, a miner, or `options.indices`. */
  readonly source: 'all' | 'miner' | 'indices';
  /** Positive pairs (or triplets' anchor–positive pairs) taking part; `undefined` where not readable (WebGPU). */
  readonly positivePairs: number | undefined;
  /** Negative pairs taking part; `undefined` where not readable. */
  readonly negativePairs: number | undefined;
  /** Triplets, when the tuples are triplets. */
  readonly triplets: number | undefined;
  /** True when nothing was selected: the loss is then exactly 0 with a zero gradient. */
  readonly empty: boolean | undefined;
}

/** Options shared by the pair/triplet losses (PML's `distance`, `miner`, `indices_tuple`). */
export interface TupleOptions {
  /** Pre-mined pairs or triplets (PML's `indices_tuple`); exclusive with `miner`. */
  readonly indices?: PairIndices | TripletIndices;
  /** A miner run on the batch (without gradient) to pick the pairs or triplets. */
  readonly miner?: Miner;
  /** Called once per call with what was selected (e.g. to count empty batches). */
  readonly onMined?: (info: MiningInfo) => void;
  /** Data checks; turn off in hot loops. @defaultValue true */
  readonly validate?: boolean;
}

/**
 * A separate reference set (PML's `ref_emb` / `ref_labels`): the batch rows are the anchors (queries),
 * positives and negatives come from the reference rows, and no self-pair is removed (row i of each set is
 * a different item). Indices in `indices` / a miner's output then index the reference set for positives
 * and negatives.
 */
export interface ReferenceOptions {
  /** float32 `[M, D]`; with `refLabels`. @defaultValue the batch itself */
  readonly refEmbeddings?: TensorInput;
  /** int32 `[M]`; with `refEmbeddings`. @defaultValue the batch's labels */
  readonly refLabels?: TensorInput;
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

/** Throws `SHAPE_MISMATCH` for `options.<name>`. */
function shapeError(fn: string, name: string, expected: string, received: string): never {
  throw new XentError('SHAPE_MISMATCH', { fn, argument: `options.${name}`, expected, received });
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
    shapeError(fn, name, `[${rows}, ${cols}] (batch × reference)`, describeTensor(tensor));
  return tf.cast(tf.notEqual(tensor, 0), 'float32');
}

/** The set positives and negatives are drawn from: the batch itself, or a separate reference set. */
export interface ReferenceSet {
  readonly embeddings: tf.Tensor;
  readonly labels: tf.Tensor;
  /** True when the reference is the batch (self-pairs excluded). */
  readonly isBatch: boolean;
}

/** Resolves and checks `refEmbeddings` / `refLabels` (both or neither). */
export function referenceSet(
  fn: string,
  embeddings: tf.Tensor,
  labels: tf.Tensor,
  options: ReferenceOptions,
): ReferenceSet {
  const { refEmbeddings, refLabels } = options;
  if (refEmbeddings === undefined && refLabels === undefined) return { embeddings, labels, isBatch: true };
  if (refEmbeddings === undefined || refLabels === undefined)
    invalidOption(
      fn,
      refEmbeddings === undefined ? 'refEmbeddings' : 'refLabels',
      'refEmbeddings and refLabels together',
      'only one of them',
    );
  const ref = toTensor(refEmbeddings, fn, 'options.refEmbeddings', 'float32');
  const refIds = toTensor(refLabels, fn, 'options.refLabels', 'int32');
  if (ref.rank !== 2 || ref.shape[1] !== embeddings.shape[1] || ref.shape[0] === 0)
    shapeError(
      fn,
      'refEmbeddings',
      `float32 [M, D] with M ≥ 1, D = ${embeddings.shape[1]}`,
      describeTensor(ref),
    );
  if (refIds.rank !== 1 || refIds.shape[0] !== ref.shape[0])
    shapeError(fn, 'refLabels', `int32 [M] with M = ${ref.shape[0]}`, describeTensor(refIds));
  return { embeddings: ref, labels: refIds, isBatch: false };
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

/** The selected tuples: `'all'` (every valid pair/triplet, from labels) or explicit indices. */
export type Tuples = { readonly kind: 'all' } | PairIndices | TripletIndices;

/**
 * `DTYPE_MISMATCH` unless an int32 `[T]` tensor; with `validate`, `LABEL_OUT_OF_RANGE` for an index
 * outside [0, size − 1] (core's data check: on the host, or deferred on webgl/webgpu).
 */
function checkIndexTensor(fn: string, name: string, tensor: unknown, size: number, validate: boolean): void {
  const argument = `options.indices.${name}`;
  if (!(tensor instanceof tf.Tensor) || tensor.rank !== 1 || tensor.dtype !== 'int32') {
    throw new XentError('DTYPE_MISMATCH', {
      fn,
      argument,
      expected: 'an int32 tensor [T]',
      received: tensor instanceof tf.Tensor ? describeTensor(tensor) : typeof tensor,
    });
  }
  if (validate) checkValueRange(fn, argument, tensor, 0, size - 1);
}

function checkTuples(
  fn: string,
  tuples: PairIndices | TripletIndices,
  batch: number,
  validate: boolean,
  refSize = batch,
): void {
  // Index tensors of one group must have one length: (anchorsPositive, positives), (anchorsNegative,
  // negatives), or (anchors, positives, negatives).
  const groups =
    tuples?.kind === 'pairs'
      ? [
          ['anchorsPositive', 'positives'],
          ['anchorsNegative', 'negatives'],
        ]
      : tuples?.kind === 'triplets'
        ? [['anchors', 'positives', 'negatives']]
        : undefined;
  if (!groups)
    invalidOption(fn, 'indices', "PairIndices or TripletIndices (kind 'pairs' | 'triplets')", tuples);
  const record = tuples as unknown as Record<string, tf.Tensor>;
  for (const group of groups)
    for (const name of group)
      checkIndexTensor(fn, name, record[name], name.startsWith('anchors') ? batch : refSize, validate);
  for (const group of groups) {
    const lengths = group.map((name) => record[name]!.shape[0]);
    if (new Set(lengths).size > 1)
      shapeError(
        fn,
        'indices',
        'index tensors of equal length within each group',
        `lengths ${lengths.join(', ')}`,
      );
  }
}

/**
 * Picks the tuples for one call: `options.indices`, else the miner's output, else `'all'`; checks
 * them; reports to `onMined`.
 */
export function selectTuples(
  context: LossContext,
  embeddings: tf.Tensor,
  labels: tf.Tensor,
  options: TupleOptions,
  reference?: ReferenceSet,
): Tuples {
  const ref = reference && !reference.isBatch ? reference : undefined;
  const { fn } = context;
  if (options.indices !== undefined && options.miner !== undefined)
    invalidOption(fn, 'miner', 'either options.miner or options.indices, not both', 'both');
  const batch = embeddings.shape[0]!;
  let tuples: Tuples = { kind: 'all' };
  if (options.indices !== undefined) tuples = options.indices;
  else if (options.miner !== undefined) {
    if (typeof options.miner?.mine !== 'function') invalidOption(fn, 'miner', 'a Miner', options.miner);
    tuples = options.miner.mine(embeddings, labels, ref);
  }
  if (tuples.kind !== 'all') {
    const width = ref?.embeddings.shape[0];
    checkTuples(fn, tuples, batch, context.validate, width);
    // Unchecked indices must not read out of bounds on any backend: clamp them on device.
    if (!context.validate) tuples = clampTuples(tuples, batch, width ?? batch);
  }
  if (options.onMined) {
    if (typeof options.onMined !== 'function') invalidOption(fn, 'onMined', 'a function', options.onMined);
    options.onMined(
      miningInfo(
        tuples,
        labels,
        options.indices !== undefined ? 'indices' : options.miner ? 'miner' : 'all',
        ref?.labels,
      ),
    );
  }
  return tuples;
}

/** Anchors index the batch, positives and negatives the reference set (the batch without one). */
function clampTuples(
  tuples: PairIndices | TripletIndices,
  batch: number,
  width: number,
): PairIndices | TripletIndices {
  const clamped: Record<string, unknown> = { kind: tuples.kind };
  for (const [name, t] of Object.entries(tuples))
    if (t instanceof tf.Tensor) clamped[name] = clampIds(t, name.startsWith('anchors') ? batch : width);
  return clamped as unknown as PairIndices | TripletIndices;
}

function miningInfo(
  tuples: Tuples,
  labels: tf.Tensor,
  source: MiningInfo['source'],
  refLabels?: tf.Tensor,
): MiningInfo {
  const triplets = tuples.kind === 'triplets';
  let counts: ArrayLike<number> | undefined;
  if (tuples.kind === 'all') {
    const both = tf.tidy(() =>
      tf.stack(
        [sameLabelMask(labels, refLabels), differentLabelMask(labels, refLabels)].map((mask) =>
          tf.sum(tf.cast(mask, 'int32')),
        ),
      ),
    );
    counts = readSyncIfPossible(both); // undefined where not readable (WebGPU)
    both.dispose();
  } else {
    // A triplet is one positive and one negative pair.
    counts = [(triplets ? tuples.anchors : tuples.positives).shape[0]!, tuples.negatives.shape[0]!];
  }
  const pos = counts?.[0];
  const neg = counts?.[1];
  return {
    source,
    positivePairs: pos,
    negativePairs: neg,
    triplets: triplets ? pos : undefined,
    empty: counts && pos! + neg! === 0,
  };
}

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
 * Pair multiplicities `[B, M]` from the tuples: every same-label pair (self excluded when the reference
 * is the batch) and every different-label pair for `'all'`; counts of each mined pair otherwise
 * (triplets give their (a, p) and (a, n) pairs, so a positive pair mined with k negatives counts k
 * times, as in PML). Columns are the reference set (`refLabels`, default the batch).
 */
export function pairWeights(
  tuples: Tuples,
  labels: tf.Tensor,
  batch: number,
  pairing?: Pairing,
): PairWeights {
  const width = pairing?.refLabels?.shape[0] ?? batch;
  if (tuples.kind === 'all') {
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

/** The pairwise matrix of `distance` on the embeddings. */
export function pairwiseOf(distance: Distance, embeddings: tf.Tensor): tf.Tensor {
  return distance.pairwise(embeddings);
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
  const positiveMask = resolvePairMask(context.fn, 'positiveMask', options.positiveMask, rows, cols);
  const negativeMask = resolvePairMask(context.fn, 'negativeMask', options.negativeMask, rows, cols);
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
