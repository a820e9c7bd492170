import type * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  checkNonEmpty,
  checkShape,
  hostTidy,
  type OptionSchema,
  type OptionSpec,
  resolveOptions,
  toTensor,
  XentError,
} from '@xent/core';

/** Embeddings or labels as tensors or plain arrays. */
export type HostInput = tf.Tensor | tf.TensorLike;

/** Options shared by the retrieval metrics. */
export interface RetrievalMetricOptions {
  /** Neighbour ranking: Euclidean distance or cosine similarity. @defaultValue 'euclidean' */
  readonly distance?: 'euclidean' | 'cosine';
}

/** The `distance` option of the metric-learning metrics. */
export const metricDistanceSpec: OptionSpec = {
  type: 'enum',
  values: ['euclidean', 'cosine'],
  description: 'neighbour ranking',
};

const RETRIEVAL_OPTIONS: OptionSchema<RetrievalMetricOptions> = { distance: metricDistanceSpec };

/** The options of a retrieval metric, checked (`INVALID_OPTION`), with defaults. */
export function retrievalMetricOptions(fn: string, options: RetrievalMetricOptions | undefined) {
  return resolveOptions(fn, RETRIEVAL_OPTIONS, options, { distance: 'euclidean' });
}

/**
 * Rows of a float32 `[N, D]` input as float64 arrays: `SHAPE_MISMATCH` (other rank, ragged arrays),
 * `DTYPE_MISMATCH`, `EMPTY_BATCH` (N = 0), `NON_FINITE_INPUT` (NaN/±Inf). Leaks nothing.
 */
export function rowsOf(fn: string, argument: string, input: HostInput): Float64Array[] {
  return hostTidy(() => {
    const tensor = toTensor(input, fn, argument, 'float32');
    checkShape(fn, argument, tensor, ['N', 'D'], new Map());
    checkNonEmpty(fn, argument, tensor);
    checkFinite(fn, argument, tensor);
    const [n, d] = tensor.shape as [number, number];
    const flat = tensor.dataSync();
    return Array.from({ length: n }, (_, i) => Float64Array.from(flat.subarray(i * d, (i + 1) * d)));
  });
}

/**
 * Class ids as exact integers (an int32 tensor or integer arrays within int32; compared exactly,
 * never through float32), `[count]`: `DTYPE_MISMATCH` for non-integer, NaN or float32 ids,
 * `SHAPE_MISMATCH` for another shape. Leaks nothing.
 */
export function labelsOf(fn: string, argument: string, input: HostInput, count: number): Int32Array {
  return hostTidy(() => {
    const tensor = toTensor(input, fn, argument, 'int32');
    checkShape(fn, argument, tensor, [count], new Map());
    return Int32Array.from(tensor.dataSync());
  });
}

/** Pairwise "distance" (smaller = closer): squared Euclidean, or 1 − cosine. */
export function distanceMatrix(
  rows: readonly Float64Array[],
  kind: 'euclidean' | 'cosine',
  other = rows,
): Float64Array[] {
  const norm = (r: Float64Array) => Math.sqrt(r.reduce((s, v) => s + v * v, 0)) || 1;
  const a = kind === 'cosine' ? rows.map((r) => r.map((v) => v / norm(r))) : rows;
  const b = kind === 'cosine' ? other.map((r) => r.map((v) => v / norm(r))) : other;
  return a.map((x) =>
    Float64Array.from(b, (y) => {
      let s = 0;
      if (kind === 'cosine') for (let k = 0; k < x.length; k++) s += x[k]! * y[k]!;
      else
        for (let k = 0; k < x.length; k++) {
          const diff = x[k]! - y[k]!;
          s += diff * diff;
        }
      return kind === 'cosine' ? 1 - s : s;
    }),
  );
}

/** For each query, the other items sorted nearest-first (ties by index), as a relevance list. */
export function rankedRelevance(
  embeddings: HostInput,
  labels: HostInput,
  options: RetrievalMetricOptions,
  name: string,
) {
  const { distance } = retrievalMetricOptions(name, options);
  const rows = rowsOf(name, 'embeddings', embeddings);
  const y = labelsOf(name, 'labels', labels, rows.length);
  const distances = distanceMatrix(rows, distance);
  const counts = new Map<number, number>();
  for (const label of y) counts.set(label, (counts.get(label) ?? 0) + 1);
  // No query has a relevant item (one example, or only singleton classes): nothing to average.
  if (![...counts.values()].some((c) => c > 1))
    throw new XentError('EMPTY_BATCH', {
      fn: name,
      argument: 'labels',
      expected: 'a class with at least two examples (a query with something relevant to retrieve)',
      received: `${y.length} example(s), every class a singleton`,
    });
  return distances.map((row, i) => {
    const order = Array.from(row.keys())
      .filter((j) => j !== i)
      .sort((p, q) => row[p]! - row[q]! || p - q);
    return { relevant: order.map((j) => y[j] === y[i]), total: counts.get(y[i]!)! - 1 };
  });
}

/** Mean over queries that have at least one relevant item (PML skips "lone" queries); NaN if none. */
export function meanOverQueries<T extends { total: number }>(
  queries: readonly T[],
  score: (q: T) => number,
): number {
  const kept = queries.filter((q) => q.total > 0);
  return kept.length === 0 ? Number.NaN : kept.reduce((s, q) => s + score(q), 0) / kept.length;
}
