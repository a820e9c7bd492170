import * as tf from '@tensorflow/tfjs-core';
import { XentError } from './errors.js';
import { invalidOption } from './options.js';
import type { Miner, PairIndices, TripletIndices } from './plugins.js';
import { clampIds } from './primitives/clamp-ids.js';
import { differentLabelMask, sameLabelMask } from './primitives/masks.js';
import { describeTensor, type TensorInput, toTensor } from './tensor-input.js';
import { checkValueRange, readSyncIfPossible } from './validate.js';

/** The tuples of one pair/triplet loss call: `'all'` (every valid pair/triplet, from labels) or explicit indices. */
export type Tuples = { readonly kind: 'all' } | PairIndices | TripletIndices;

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

/** The tuple options of a pair/triplet loss (pytorch-metric-learning's `miner`, `indices_tuple`). */
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
 * A separate reference set (pytorch-metric-learning's `ref_emb` / `ref_labels`): the batch rows are the
 * anchors (queries), positives and negatives come from the reference rows, and no self-pair is removed
 * (row i of each set is a different item). Indices in `indices` / a miner's output then index the
 * reference set for positives and negatives.
 */
export interface ReferenceSetOptions {
  /** float32 `[M, D]`; with `refLabels`. @defaultValue the batch itself */
  readonly refEmbeddings?: TensorInput;
  /** int32 `[M]`; with `refEmbeddings`. @defaultValue the batch's labels */
  readonly refLabels?: TensorInput;
}

/** The set positives and negatives are drawn from: the batch itself, or a separate reference set. */
export interface ReferenceSet {
  readonly embeddings: tf.Tensor;
  readonly labels: tf.Tensor;
  /** True when the reference is the batch (self-pairs excluded). */
  readonly isBatch: boolean;
}

/**
 * Resolves and checks `refEmbeddings` / `refLabels` against the batch: both or neither
 * (`INVALID_OPTION`), `refEmbeddings` float32 `[M, D]` with M ≥ 1 and the batch's D, `refLabels` int32
 * `[M]` (`DTYPE_MISMATCH` / `SHAPE_MISMATCH`). Without them the reference is the batch itself.
 *
 * @param embeddings the batch, `[B, D]`.  @param labels the batch's labels `[B]`.
 * @example const reference = referenceSet('myLoss', embeddings, labels, options);
 */
export function referenceSet(
  fn: string,
  embeddings: tf.Tensor,
  labels: tf.Tensor,
  options: ReferenceSetOptions,
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
  const fail = (argument: string, expected: string, tensor: tf.Tensor): never => {
    throw new XentError('SHAPE_MISMATCH', { fn, argument, expected, received: describeTensor(tensor) });
  };
  if (ref.rank !== 2 || ref.shape[1] !== embeddings.shape[1] || ref.shape[0] === 0)
    fail('options.refEmbeddings', `float32 [M, D] with M ≥ 1, D = ${embeddings.shape[1]}`, ref);
  if (refIds.rank !== 1 || refIds.shape[0] !== ref.shape[0])
    fail('options.refLabels', `int32 [M] with M = ${ref.shape[0]}`, refIds);
  return { embeddings: ref, labels: refIds, isBatch: false };
}

/**
 * Checks a miner's output or a user's `PairIndices | TripletIndices` against the batch: `kind` is
 * `'pairs'` or `'triplets'` (else `INVALID_OPTION` for `options.indices`), every index tensor int32 `[T]`
 * (`DTYPE_MISMATCH`), the tensors of a group of one length (`SHAPE_MISMATCH`), anchors in [0, batch − 1]
 * and positives/negatives in [0, width − 1] (`LABEL_OUT_OF_RANGE`; with `validate`, on the host or deferred
 * on webgl/webgpu as core's data checks are). Without `validate` the indices are instead clamped on the
 * device into those ranges (new tensors), so that no backend reads out of bounds.
 *
 * @param width the size of the set positives and negatives index (a reference set), default `batch`.
 * @returns the tuples, clamped when `validate` is false.
 * @example const checked = checkTupleIndices('myLoss', miner.mine(x, labels), 32, 32, true);
 */
export function checkTupleIndices(
  fn: string,
  tuples: PairIndices | TripletIndices,
  batch: number,
  width: number,
  validate: boolean,
): PairIndices | TripletIndices {
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
  const sizeOf = (name: string) => (name.startsWith('anchors') ? batch : width);
  for (const group of groups) {
    for (const name of group) {
      const tensor = record[name];
      const argument = `options.indices.${name}`;
      if (!(tensor instanceof tf.Tensor) || tensor.rank !== 1 || tensor.dtype !== 'int32')
        throw new XentError('DTYPE_MISMATCH', {
          fn,
          argument,
          expected: 'an int32 tensor [T]',
          received: tensor instanceof tf.Tensor ? describeTensor(tensor) : typeof tensor,
        });
      if (validate) checkValueRange(fn, argument, tensor, 0, sizeOf(name) - 1);
    }
    const lengths = group.map((name) => record[name]!.shape[0]);
    if (new Set(lengths).size > 1)
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: 'options.indices',
        expected: 'index tensors of equal length within each group',
        received: `lengths ${lengths.join(', ')}`,
      });
  }
  if (validate) return tuples;
  // Unchecked indices must not read out of bounds on any backend: clamp them on device.
  const clamped: Record<string, unknown> = { kind: tuples.kind };
  for (const name of groups.flat()) clamped[name] = clampIds(record[name]!, sizeOf(name));
  return clamped as unknown as PairIndices | TripletIndices;
}

/**
 * Picks the tuples of one pair/triplet loss call from its {@link TupleOptions}: `options.indices`, else
 * the miner's output (the miner sees the reference set when there is one), else `{ kind: 'all' }`;
 * checks explicit ones with {@link checkTupleIndices}; reports to `onMined`. `indices` together with
 * `miner`, a `miner` without `mine` or an `onMined` that is not a function throw `INVALID_OPTION`.
 *
 * @param context the loss call's `fn` (for errors) and `validate` (see {@link checkTupleIndices}).
 * @param reference the set positives and negatives come from ({@link referenceSet}; default the batch).
 * @example const tuples = selectTuples(context, embeddings, labels, options, reference);
 */
export function selectTuples(
  context: { readonly fn: string; readonly validate: boolean },
  embeddings: tf.Tensor,
  labels: tf.Tensor,
  options: TupleOptions,
  reference?: ReferenceSet,
): Tuples {
  const { fn, validate } = context;
  const ref = reference?.isBatch ? undefined : reference;
  const { indices, miner, onMined } = options;
  if (indices !== undefined && miner !== undefined)
    invalidOption(fn, 'miner', 'either options.miner or options.indices, not both', 'both');
  if (miner !== undefined && typeof miner?.mine !== 'function') invalidOption(fn, 'miner', 'a Miner', miner);
  const batch = embeddings.shape[0]!;
  const tuples: Tuples =
    indices === undefined && miner === undefined
      ? { kind: 'all' }
      : checkTupleIndices(
          fn,
          indices !== undefined ? indices : miner!.mine(embeddings, labels, ref),
          batch,
          ref?.embeddings.shape[0] ?? batch,
          validate,
        );
  if (onMined) {
    if (typeof onMined !== 'function') invalidOption(fn, 'onMined', 'a function', onMined);
    onMined(
      miningInfo(tuples, labels, indices !== undefined ? 'indices' : miner ? 'miner' : 'all', ref?.labels),
    );
  }
  return tuples;
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
