import * as tf from '@tensorflow/tfjs-core';

/** Embeddings or labels as tensors or plain arrays. */
export type HostInput = tf.Tensor | tf.TensorLike;

/** Options shared by the retrieval metrics. */
export interface RetrievalMetricOptions {
  /** Neighbour ranking: Euclidean distance or cosine similarity. @defaultValue 'euclidean' */
  readonly distance?: 'euclidean' | 'cosine';
}

/** Rows of a `[N, D]` input as float64 arrays. */
export function rowsOf(input: HostInput, name: string): Float64Array[] {
  const tensor = input instanceof tf.Tensor ? input : tf.tensor(input as tf.TensorLike);
  if (tensor.rank !== 2)
    throw new RangeError(`${name}: expected a [N, D] matrix, received shape [${tensor.shape}]`);
  const [n, d] = tensor.shape as [number, number];
  const flat = tensor.dataSync();
  if (!(input instanceof tf.Tensor)) tensor.dispose();
  return Array.from({ length: n }, (_, i) => Float64Array.from(flat.subarray(i * d, (i + 1) * d)));
}

/** Labels as an int array, checked against the row count. */
export function labelsOf(input: HostInput, count: number, name: string): Int32Array {
  const values =
    input instanceof tf.Tensor ? input.dataSync() : (tf.util.flatten(input as number[]) as number[]);
  if (values.length !== count)
    throw new RangeError(`${name}: expected ${count} labels, received ${values.length}`);
  return Int32Array.from(values);
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
  const rows = rowsOf(embeddings, name);
  const y = labelsOf(labels, rows.length, name);
  const distances = distanceMatrix(rows, options.distance ?? 'euclidean');
  const counts = new Map<number, number>();
  for (const label of y) counts.set(label, (counts.get(label) ?? 0) + 1);
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
