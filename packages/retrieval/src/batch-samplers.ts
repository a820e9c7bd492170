import { invalidOption, type OptionSchema, resolveOptions, seededRandom } from '@xent/core';

/** An id of a row: its text, a record id, … (strings and numbers compare by value). */
export type SampleId = string | number;

/** Options of the batch samplers. */
export interface BatchSamplerOptions {
  /** Seed of the shuffle: the same seed gives the same batches. @defaultValue 0 */
  readonly seed?: number;
  /** Drop a last batch smaller than `batchSize`. @defaultValue false */
  readonly dropLast?: boolean;
}

const SAMPLER_OPTIONS: OptionSchema<BatchSamplerOptions> = {
  seed: { type: 'number', integer: true, description: 'shuffle seed, an integer' },
  dropLast: { type: 'boolean', description: 'drop a last batch smaller than batchSize' },
};

function checkBatchSize(fn: string, batchSize: number, minimum: number, even: boolean): void {
  if (!Number.isInteger(batchSize) || batchSize < minimum || (even && batchSize % 2 === 1)) {
    invalidOption(fn, 'batchSize', `${even ? 'an even' : 'an'} integer ≥ ${minimum}`, batchSize);
  }
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Batches of row indices in which no id occurs twice (sentence-transformers'
 * `NoDuplicatesBatchSampler`), so no in-batch negative is a copy of a positive: rows are shuffled
 * (seeded), then each batch takes the next rows whose ids are not in it yet; a conflicting row is
 * deferred to a later batch, not dropped. A row may carry several ids (e.g. `[query, positive]` texts):
 * it conflicts when any of them is already in the batch.
 *
 * Degenerate inputs: no rows give no batches; when every row has the same id, each batch holds one
 * row (as many batches as rows; all dropped with `dropLast` unless `batchSize` is 1).
 *
 * @param ids one id, or a list of ids, per row.
 * @param batchSize rows per batch (an integer ≥ 1).
 * @returns the batches, each a list of row indices; together they cover every row once (without `dropLast`).
 * @example const batches = noDuplicatesBatches(texts, 32, { seed: epoch });
 */
export function noDuplicatesBatches(
  ids: readonly (SampleId | readonly SampleId[])[],
  batchSize: number,
  options: BatchSamplerOptions = {},
): number[][] {
  const fn = 'noDuplicatesBatches';
  resolveOptions(fn, SAMPLER_OPTIONS, options);
  checkBatchSize(fn, batchSize, 1, false);
  if (!Array.isArray(ids)) invalidOption(fn, 'ids', 'an array of ids (or of id lists), one per row', ids);
  const keys = ids.map((id) => (Array.isArray(id) ? id : [id]) as readonly SampleId[]);
  let remaining = shuffled(
    keys.map((_, i) => i),
    seededRandom(options.seed ?? 0),
  );
  const batches: number[][] = [];
  while (remaining.length > 0) {
    const seen = new Set<SampleId>();
    const batch: number[] = [];
    const deferred: number[] = [];
    for (let position = 0; position < remaining.length; position++) {
      const index = remaining[position]!;
      if (batch.length === batchSize) {
        deferred.push(...remaining.slice(position));
        break;
      }
      if (keys[index]!.some((key) => seen.has(key))) {
        deferred.push(index);
        continue;
      }
      batch.push(index);
      for (const key of keys[index]!) seen.add(key);
    }
    if (batch.length === batchSize || !options.dropLast) batches.push(batch);
    remaining = deferred;
  }
  return batches;
}

/**
 * Batches in which every label present has at least two rows (sentence-transformers'
 * `GroupByLabelBatchSampler`), for in-batch losses that need positives per label (batch-hard
 * triplets, SupCon, GE2E-style). Labels with fewer than two rows are left out and each label is
 * trimmed to an even count; the rows of each label are shuffled (seeded), then labels take turns,
 * two rows each, in an order reshuffled every round, until fewer than two labels have rows left.
 *
 * Degenerate inputs: fewer than two labels with two rows throw `INVALID_OPTION` (no batch can mix
 * labels); a last batch shorter than `batchSize` is kept when it has at least 4 rows (unless `dropLast`).
 *
 * @param labels one label per row.
 * @param batchSize rows per batch (an even integer ≥ 4).
 * @returns the batches, each a list of row indices.
 * @example const batches = groupByLabelBatches(digits, 64, { seed: epoch });
 */
export function groupByLabelBatches(
  labels: readonly SampleId[],
  batchSize: number,
  options: BatchSamplerOptions = {},
): number[][] {
  const fn = 'groupByLabelBatches';
  resolveOptions(fn, SAMPLER_OPTIONS, options);
  checkBatchSize(fn, batchSize, 4, true);
  if (!Array.isArray(labels)) invalidOption(fn, 'labels', 'an array of labels, one per row', labels);
  const groups = new Map<SampleId, number[]>();
  labels.forEach((label, index) => {
    const group = groups.get(label);
    if (group) group.push(index);
    else groups.set(label, [index]);
  });
  const kept = [...groups.entries()]
    .filter(([, rows]) => rows.length >= 2)
    .map(([label, rows]) => [label, rows.slice(0, rows.length - (rows.length % 2))] as const);
  if (kept.length < 2) {
    invalidOption(
      fn,
      'labels',
      'at least 2 distinct labels with ≥ 2 rows each',
      `${kept.length} such label(s)`,
    );
  }
  const next = seededRandom(options.seed ?? 0);
  const queues = new Map(kept.map(([label, rows]) => [label, shuffled(rows, next)]));
  let active = kept.map(([label]) => label);
  const batches: number[][] = [];
  let batch: number[] = [];
  while (active.length >= 2) {
    active = shuffled(active, next);
    for (const label of active) {
      const queue = queues.get(label)!;
      batch.push(queue.shift()!, queue.shift()!);
      if (batch.length >= batchSize) {
        batches.push(batch.slice(0, batchSize));
        batch = batch.slice(batchSize);
      }
    }
    active = active.filter((label) => queues.get(label)!.length > 0);
  }
  if (!options.dropLast && batch.length >= 4) batches.push(batch);
  return batches;
}
