import { type OptionSchema, resolveOptions, XentError } from '@xent/core';
import { adjustedMutualInformation } from './ami.js';
import { distanceMatrix, type HostInput, labelsOf, rowsOf } from './neighbours.js';
import { kMeans, normalizedMutualInformation } from './nmi.js';

/** The metrics {@link accuracyCalculator} computes. */
export type AccuracyMetric = 'precisionAt1' | 'rPrecision' | 'mapAtR' | 'map' | 'mrr' | 'nmi' | 'ami';

/** Options of {@link accuracyCalculator}. */
export interface AccuracyCalculatorOptions {
  /** A separate reference set `[M, D]` (with `referenceLabels`); queries then keep their own copies. @defaultValue the queries */
  readonly reference?: HostInput;
  /** `[M]` labels of `reference`. */
  readonly referenceLabels?: HostInput;
  /** Neighbour ranking: Euclidean distance or cosine similarity. @defaultValue 'euclidean' */
  readonly distance?: 'euclidean' | 'cosine';
  /** Neighbours considered by `map` and `mrr` (`precisionAt1`, `rPrecision`, `mapAtR` always use what they need). @defaultValue every reference item */
  readonly k?: number;
  /** Average per class first, then over classes (PML's `avg_of_avgs`). @defaultValue false */
  readonly avgOfAvgs?: boolean;
  /** Also return each retrieval metric per query class. @defaultValue false */
  readonly perClass?: boolean;
  /** Which metrics. @defaultValue all */
  readonly include?: readonly AccuracyMetric[];
  /** Seed of the k-means behind `nmi` and `ami`. @defaultValue 0 */
  readonly seed?: number;
}

/** What {@link accuracyCalculator} returns: each requested metric, and per-class values if asked. */
export type AccuracyResult = { readonly [M in AccuracyMetric]?: number } & {
  /** metric → query class → value (retrieval metrics only; lone classes omitted). */
  readonly perClass?: { readonly [M in AccuracyMetric]?: Readonly<Record<number, number>> };
};

const RETRIEVAL: readonly AccuracyMetric[] = ['precisionAt1', 'rPrecision', 'mapAtR', 'map', 'mrr'];
// Written out: a module-level spread would stay in every bundle that imports anything from the package.
const ALL: readonly AccuracyMetric[] = ['precisionAt1', 'rPrecision', 'mapAtR', 'map', 'mrr', 'nmi', 'ami'];
const FN = 'accuracyCalculator';

const OPTIONS: OptionSchema<AccuracyCalculatorOptions> = {
  reference: { type: 'other', description: 'reference embeddings [M, D]' },
  referenceLabels: { type: 'other', description: 'reference labels [M]' },
  distance: { type: 'enum', values: ['euclidean', 'cosine'], description: "'euclidean' or 'cosine'" },
  // k (a positive integer or Infinity) and include (metric names) are checked below with their own messages.
  k: { type: 'other', description: 'neighbours considered' },
  avgOfAvgs: { type: 'boolean', description: 'average per-class averages' },
  perClass: { type: 'boolean', description: 'also report per-class values' },
  include: { type: 'other', description: 'the metrics to compute' },
  seed: { type: 'number', integer: true, description: 'k-means seed, an integer' },
};

/**
 * PML's `AccuracyCalculator` on the host in float64: for each query, the reference items ranked
 * nearest-first (ties by index; the query itself excluded when the reference is the query set), with
 * R = the number of reference items of its class —
 * `precisionAt1`; `rPrecision` (hits in the top R / R); `mapAtR` ((1/R) Σ_{i≤R} P@i·relᵢ);
 * `map` ((1/R) Σ_{i≤k} P@i·relᵢ, full MAP with k = everything); `mrr` (1 / rank of the first relevant
 * item within k, 0 if none); and `nmi`/`ami` of a k-means clustering of the queries (k = number of
 * query classes) against their labels. Queries whose class has no other reference item are skipped by
 * the retrieval metrics ("lone" queries). `avgOfAvgs` averages per class first; `perClass` adds the
 * per-class values.
 *
 * @param queries `[N, D]`. @param queryLabels `[N]`.
 * @see https://kevinmusgrave.github.io/pytorch-metric-learning/accuracy_calculation/
 * @example const { mapAtR, precisionAt1, ami } = accuracyCalculator(testEmbeddings, testLabels, { seed: 1 });
 */
export function accuracyCalculator(
  queries: HostInput,
  queryLabels: HostInput,
  options: AccuracyCalculatorOptions = {},
): AccuracyResult {
  resolveOptions(FN, OPTIONS, options);
  const rows = rowsOf(FN, 'queries', queries);
  const y = labelsOf(FN, 'queryLabels', queryLabels, rows.length);
  const same = options.reference === undefined;
  if (same !== (options.referenceLabels === undefined))
    throw new XentError('INVALID_OPTION', {
      fn: FN,
      argument: same ? 'options.reference' : 'options.referenceLabels',
      expected: 'reference and referenceLabels together',
      received: 'only one of them',
    });
  const refRows = same ? rows : rowsOf(FN, 'options.reference', options.reference!);
  const r = same ? y : labelsOf(FN, 'options.referenceLabels', options.referenceLabels!, refRows.length);
  if (!same && refRows[0] && rows[0] && refRows[0].length !== rows[0].length)
    throw new XentError('SHAPE_MISMATCH', {
      fn: FN,
      argument: 'options.reference',
      expected: `[M, ${rows[0].length}]`,
      received: `[${refRows.length}, ${refRows[0].length}]`,
    });
  const include = options.include ?? ALL;
  for (const m of include)
    if (!ALL.includes(m))
      throw new XentError('INVALID_OPTION', {
        fn: FN,
        argument: 'options.include',
        expected: ALL.join(' | '),
        received: String(m),
      });
  const k = options.k ?? Number.POSITIVE_INFINITY;
  if (!(k >= 1) || (Number.isFinite(k) && !Number.isInteger(k)))
    throw new XentError('INVALID_OPTION', {
      fn: FN,
      argument: 'options.k',
      expected: 'a positive integer',
      received: String(k),
    });
  if (options.avgOfAvgs && options.perClass)
    throw new XentError('INVALID_OPTION', {
      fn: FN,
      argument: 'options.perClass',
      expected: 'avgOfAvgs or perClass, not both (as PML)',
      received: 'both',
    });

  const refCount = new Map<number, number>();
  for (const label of r) refCount.set(label, (refCount.get(label) ?? 0) + 1);
  const distances = distanceMatrix(rows, options.distance ?? 'euclidean', refRows);
  const perQuery: { label: number; values: Record<string, number> }[] = [];
  distances.forEach((row, i) => {
    const total = (refCount.get(y[i]!) ?? 0) - (same ? 1 : 0);
    if (total <= 0) return;
    const order = Array.from(row.keys())
      .filter((j) => !(same && j === i))
      .sort((p, q) => row[p]! - row[q]! || p - q);
    const relevant = order.map((j) => r[j] === y[i]);
    let hits = 0;
    let atR = 0;
    let full = 0;
    let hitsInR = 0;
    let firstRank = 0;
    relevant.forEach((rel, rank) => {
      if (!rel) return;
      hits++;
      const precision = hits / (rank + 1);
      if (rank < total) {
        atR += precision;
        hitsInR++;
      }
      if (rank < k) {
        full += precision;
        if (firstRank === 0) firstRank = rank + 1;
      }
    });
    perQuery.push({
      label: y[i]!,
      values: {
        precisionAt1: relevant[0] ? 1 : 0,
        rPrecision: hitsInR / total,
        mapAtR: atR / total,
        map: full / total,
        mrr: firstRank ? 1 / firstRank : 0,
      },
    });
  });

  const result: Record<string, unknown> = {};
  const perClass: Record<string, Record<number, number>> = {};
  for (const metric of include.filter((m) => RETRIEVAL.includes(m))) {
    if (perQuery.length === 0)
      throw new XentError('EMPTY_BATCH', {
        fn: FN,
        argument: 'queryLabels',
        expected: 'a query with a same-label reference item (something relevant to retrieve)',
        received: 'none',
      });
    const byClass = new Map<number, number[]>();
    for (const q of perQuery) byClass.set(q.label, [...(byClass.get(q.label) ?? []), q.values[metric]!]);
    const classMeans = [...byClass].map(
      ([label, v]) => [label, v.reduce((s, t) => s + t, 0) / v.length] as const,
    );
    result[metric] = options.avgOfAvgs
      ? classMeans.reduce((s, [, v]) => s + v, 0) / classMeans.length
      : perQuery.reduce((s, q) => s + q.values[metric]!, 0) / perQuery.length;
    if (options.perClass) perClass[metric] = Object.fromEntries(classMeans);
  }
  if (include.includes('nmi') || include.includes('ami')) {
    const clusters = kMeans(rows, new Set(y).size, options.seed ?? 0, 100);
    if (include.includes('nmi')) result.nmi = normalizedMutualInformation(y, clusters);
    if (include.includes('ami')) result.ami = adjustedMutualInformation(y, clusters);
  }
  if (options.perClass) result.perClass = perClass;
  return result as AccuracyResult;
}
