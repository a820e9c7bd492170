import { type OptionSchema, resolveOptions, seededRandom, XentError } from '@xent/core';
import { checkPositive } from '../internal/check-number.js';

/** Options of {@link mPerClassBatches}. */
export interface MPerClassBatchesOptions {
  /** Seed of the shuffles. @defaultValue 0 */
  readonly seed?: number;
  /** Samples to cover, in whole batches (PML's `length_before_new_iter`). @defaultValue labels.length */
  readonly length?: number;
}

const FN = 'mPerClassBatches';

/**
 * Batches of `batchSize / m` distinct classes with `m` examples each (PML's `MPerClassSampler`), as
 * arrays of row indices into `labels`: classes are visited in a seeded shuffled order (reshuffled when
 * exhausted), and a class with fewer than `m` examples is sampled with replacement. Returns
 * ⌊length / batchSize⌋ batches. Every batch then has positives for every anchor.
 *
 * @param labels class ids (any integers). @param m examples per class. @param batchSize a multiple of m.
 * @example for (const rows of mPerClassBatches(trainLabels, 4, 32, { seed: 1 })) { … tf.gather(x, rows) … }
 */
const OPTIONS: OptionSchema<MPerClassBatchesOptions> = {
  seed: { type: 'number', integer: true, description: 'seed of the host random stream (every integer)' },
  length: {
    type: 'number',
    min: 0,
    max: 2147483647, // 2³¹ − 1 as a literal: esbuild keeps a module-level `2 ** 31 - 1` (an arithmetic side effect)
    integer: true,
    description: 'samples to cover, an integer ≥ 0',
  },
};

export function mPerClassBatches(
  labels: ArrayLike<number>,
  m: number,
  batchSize: number,
  options: MPerClassBatchesOptions = {},
): number[][] {
  const resolved = resolveOptions(FN, OPTIONS, options, { seed: 0 });
  const fail = (argument: string, expected: string, received: unknown): never => {
    throw new XentError('INVALID_OPTION', { fn: FN, argument, expected, received: String(received) });
  };
  checkPositive(FN, 'm', m);
  if (!(Number.isInteger(batchSize) && batchSize > 0 && batchSize % m === 0))
    fail('batchSize', `a positive multiple of m = ${m}`, batchSize);
  const byClass = new Map<number, number[]>();
  Array.from(labels).forEach((label, i) => {
    if (!(Number.isInteger(label) && Math.abs(label) <= 2 ** 31 - 1))
      throw new XentError('DTYPE_MISMATCH', {
        fn: FN,
        argument: 'labels',
        expected: 'integer class ids within int32',
        received: String(label),
      });
    byClass.set(label, [...(byClass.get(label) ?? []), i]);
  });
  const classesPerBatch = batchSize / m;
  if (classesPerBatch > byClass.size)
    fail('batchSize', `at most m × classes = ${m * byClass.size}`, batchSize);
  const length = resolved.length ?? labels.length;
  if (!(Number.isInteger(length) && length >= 0)) fail('options.length', 'an integer ≥ 0', length);
  const random = seededRandom(resolved.seed);
  const shuffle = <T>(values: T[]): T[] => {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    return values;
  };
  const classes = [...byClass.keys()];
  let order: number[] = [];
  const batches: number[][] = [];
  for (let b = 0; b < Math.floor(length / batchSize); b++) {
    const batch: number[] = [];
    const used = new Set<number>();
    const deferred: number[] = []; // classes drawn again within this batch: kept for the next one
    while (used.size < classesPerBatch) {
      if (order.length === 0) order = shuffle([...classes]);
      const c = order.pop()!;
      if (used.has(c)) {
        deferred.push(c);
        continue;
      }
      used.add(c);
      const members = byClass.get(c)!;
      const picked =
        members.length >= m
          ? shuffle([...members]).slice(0, m)
          : Array.from({ length: m }, () => members[Math.floor(random() * members.length)]!);
      batch.push(...picked);
    }
    order.push(...deferred);
    batches.push(batch);
  }
  return batches;
}
