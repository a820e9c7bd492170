import * as tf from '@tensorflow/tfjs-core';
import {
  clampIds,
  type Distance,
  differentLabelMask,
  gatherRowsSparse,
  invalidOption,
  type LossContext,
  type Miner,
  type OptionSpec,
  type PairIndices,
  readSyncIfPossible,
  sameLabelMask,
  type TripletIndices,
  XentError,
} from '@xent/core';

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

/** Option metadata for {@link TupleOptions}. */
export const tupleOptionSpecs: Record<'indices' | 'miner' | 'onMined', OptionSpec> = {
  indices: { type: 'other', description: 'pre-mined PairIndices or TripletIndices' },
  miner: { type: 'other', plugin: 'miner', description: 'a Miner run on the batch' },
  onMined: { type: 'other', plugin: 'function', description: 'callback receiving MiningInfo' },
};

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

function checkIndexTensor(fn: string, name: string, tensor: unknown, batch: number, validate: boolean): void {
  if (!(tensor instanceof tf.Tensor) || tensor.rank !== 1 || tensor.dtype !== 'int32') {
    throw new XentError('DTYPE_MISMATCH', {
      fn,
      argument: `options.indices.${name}`,
      expected: 'an int32 tensor [T]',
      received: tensor instanceof tf.Tensor ? `${tensor.dtype} [${tensor.shape.join(', ')}]` : typeof tensor,
    });
  }
  if (!validate) return;
  const read = readSyncIfPossible(tensor);
  if (!read) return;
  const values = Array.from(read);
  const bad = values.findIndex((v) => v < 0 || v >= batch);
  if (bad >= 0) {
    throw new XentError('LABEL_OUT_OF_RANGE', {
      fn,
      argument: `options.indices.${name}`,
      expected: `indices in [0, ${batch})`,
      received: `${values[bad]} at [${bad}]`,
    });
  }
}

function checkTuples(
  fn: string,
  tuples: PairIndices | TripletIndices,
  batch: number,
  validate: boolean,
): void {
  const names =
    tuples?.kind === 'pairs'
      ? (['anchorsPositive', 'positives', 'anchorsNegative', 'negatives'] as const)
      : tuples?.kind === 'triplets'
        ? (['anchors', 'positives', 'negatives'] as const)
        : undefined;
  if (!names)
    invalidOption(fn, 'indices', "PairIndices or TripletIndices (kind 'pairs' | 'triplets')", tuples);
  const record = tuples as unknown as Record<string, tf.Tensor>;
  for (const name of names) checkIndexTensor(fn, name, record[name], batch, validate);
  const sizes = (tuples.kind === 'pairs' ? [names.slice(0, 2), names.slice(2)] : [names]).map((group) =>
    group.map((name) => record[name]!.shape[0]),
  );
  for (const group of sizes) {
    if (new Set(group).size > 1) {
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: 'options.indices',
        expected: 'index tensors of equal length within each group',
        received: `lengths ${group.join(', ')}`,
      });
    }
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
): Tuples {
  const { fn } = context;
  if (options.indices !== undefined && options.miner !== undefined)
    invalidOption(fn, 'miner', 'either options.miner or options.indices, not both', 'both');
  const batch = embeddings.shape[0]!;
  let tuples: Tuples = { kind: 'all' };
  if (options.indices !== undefined) tuples = options.indices;
  else if (options.miner !== undefined) {
    if (typeof options.miner?.mine !== 'function') invalidOption(fn, 'miner', 'a Miner', options.miner);
    tuples = options.miner.mine(embeddings, labels);
  }
  if (tuples.kind !== 'all') {
    checkTuples(fn, tuples, batch, context.validate);
    // Unchecked indices must not read out of bounds on any backend: clamp them on device.
    if (!context.validate) tuples = clampTuples(tuples, batch);
  }
  if (options.onMined) {
    if (typeof options.onMined !== 'function') invalidOption(fn, 'onMined', 'a function', options.onMined);
    options.onMined(
      miningInfo(tuples, labels, options.indices !== undefined ? 'indices' : options.miner ? 'miner' : 'all'),
    );
  }
  return tuples;
}

function clampTuples(tuples: PairIndices | TripletIndices, batch: number): PairIndices | TripletIndices {
  const c = (t: tf.Tensor) => clampIds(t, batch);
  return tuples.kind === 'pairs'
    ? {
        kind: 'pairs',
        anchorsPositive: c(tuples.anchorsPositive),
        positives: c(tuples.positives),
        anchorsNegative: c(tuples.anchorsNegative),
        negatives: c(tuples.negatives),
      }
    : {
        kind: 'triplets',
        anchors: c(tuples.anchors),
        positives: c(tuples.positives),
        negatives: c(tuples.negatives),
      };
}

function miningInfo(tuples: Tuples, labels: tf.Tensor, source: MiningInfo['source']): MiningInfo {
  if (tuples.kind === 'triplets') {
    const n = tuples.anchors.shape[0]!;
    return { source, positivePairs: n, negativePairs: n, triplets: n, empty: n === 0 };
  }
  if (tuples.kind === 'pairs') {
    const pos = tuples.positives.shape[0]!;
    const neg = tuples.negatives.shape[0]!;
    return { source, positivePairs: pos, negativePairs: neg, triplets: undefined, empty: pos + neg === 0 };
  }
  const counts = tf.tidy(() =>
    tf.stack([
      tf.sum(tf.cast(sameLabelMask(labels), 'int32')),
      tf.sum(tf.cast(differentLabelMask(labels), 'int32')),
    ]),
  );
  const values = readSyncIfPossible(counts);
  counts.dispose();
  if (!values)
    return {
      source,
      positivePairs: undefined,
      negativePairs: undefined,
      triplets: undefined,
      empty: undefined,
    };
  const [pos, neg] = [values[0]!, values[1]!];
  return { source, positivePairs: pos, negativePairs: neg, triplets: undefined, empty: pos + neg === 0 };
}

function countMatrix(rows: tf.Tensor, cols: tf.Tensor, batch: number): tf.Tensor {
  if (rows.shape[0] === 0) return tf.zeros([batch, batch]);
  const indices = tf.stack([rows, cols], 1);
  return tf.scatterND(indices, tf.cast(tf.onesLike(rows), 'float32'), [batch, batch]);
}

/** Positive and negative pair multiplicities `[B, B]` (float counts; 0 = not a pair). */
export interface PairWeights {
  readonly pos: tf.Tensor;
  readonly neg: tf.Tensor;
}

/**
 * Pair multiplicities from the tuples: every same-label pair (self excluded) and every different-label
 * pair for `'all'`; counts of each mined pair otherwise (triplets give their (a, p) and (a, n) pairs,
 * so a positive pair mined with k negatives counts k times, as in PML).
 */
export function pairWeights(tuples: Tuples, labels: tf.Tensor, batch: number): PairWeights {
  if (tuples.kind === 'all') {
    return {
      pos: tf.cast(sameLabelMask(labels), 'float32'),
      neg: tf.cast(differentLabelMask(labels), 'float32'),
    };
  }
  if (tuples.kind === 'pairs') {
    return {
      pos: countMatrix(tuples.anchorsPositive, tuples.positives, batch),
      neg: countMatrix(tuples.anchorsNegative, tuples.negatives, batch),
    };
  }
  return {
    pos: countMatrix(tuples.anchors, tuples.positives, batch),
    neg: countMatrix(tuples.anchors, tuples.negatives, batch),
  };
}

/** 0/1 float masks of the pair sets (duplicates collapse), for the matrix-based losses. */
export function pairMasks(tuples: Tuples, labels: tf.Tensor, batch: number): PairWeights {
  const { pos, neg } = pairWeights(tuples, labels, batch);
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
