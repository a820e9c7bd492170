// Seeded batch samplers: every run of a comparison draws the same batches from the same seed.
import type { Family } from './adapters.js';
import { byClass, type Dataset, gather } from './datasets.js';
import { createRng, randomInt } from './rng.js';

/** Rows of a batch (`x` row-major `[rows, dim]`); for retrieval, `x2`/`y2` are the queries' positives. */
export interface Batch {
  readonly x: Float32Array;
  readonly y: Int32Array;
  /** Retrieval: the positive docs of the queries in `x`. */
  readonly x2?: Float32Array;
  readonly y2?: Int32Array;
  /** Classification and distillation: the training-set row of each example (per-example state). */
  readonly rows?: Int32Array;
  /** Retrieval: the training-set row of each positive doc (a repeated doc repeats its row). */
  readonly docRows?: Int32Array;
}

/** Rows for S distinct classes × M examples each, class-major (`groups` reshapes them to [S, M, D]). */
export function groupShape(batchSize: number, numClasses: number): { s: number; m: number } {
  const s = Math.max(2, Math.min(numClasses, Math.floor(batchSize / 4)));
  return { s, m: Math.max(2, Math.floor(batchSize / s)) };
}

/**
 * Classification and distillation: uniform rows. Metric learning and retrieval: pairs of same-class rows
 * (anchors then partners; for retrieval the partners are the docs). `grouped`: S distinct classes × M rows.
 * `duplicates` (retrieval): the probability that a pair reuses the previous pair's doc with another query of
 * its class, so the batch holds identical docs that a diagonal-positive loss treats as negatives.
 */
export function sampler(
  dataset: Dataset,
  family: Family,
  batchSize: number,
  seed: number,
  grouped: boolean,
  duplicates = 0,
): () => Batch {
  const rng = createRng(seed);
  const split = dataset.train;
  if (family === 'classification' || family === 'distillation') {
    return () => {
      const idx = Array.from({ length: batchSize }, () => randomInt(rng, split.count));
      return { ...gather(split, dataset.dim, idx), rows: Int32Array.from(idx) };
    };
  }
  const classes = byClass(split, dataset.numClasses).filter((list) => list.length > 1);
  if (grouped) {
    const { s, m } = groupShape(batchSize, classes.length);
    return () => {
      const order = classes.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = randomInt(rng, i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const rows = order
        .slice(0, s)
        .flatMap((c) => Array.from({ length: m }, () => classes[c]![randomInt(rng, classes[c]!.length)]!));
      return gather(split, dataset.dim, rows);
    };
  }
  return () => {
    const half = Math.max(2, Math.floor(batchSize / 2));
    const anchors: number[] = [];
    const partners: number[] = [];
    for (let i = 0; i < half; i++) {
      if (i > 0 && duplicates > 0 && rng() < duplicates) {
        const list = classes.find((l) => l.includes(anchors[i - 1]!))!;
        anchors.push(list[randomInt(rng, list.length)]!);
        partners.push(partners[i - 1]!);
        continue;
      }
      const list = classes[randomInt(rng, classes.length)]!;
      const a = randomInt(rng, list.length);
      let b = randomInt(rng, list.length - 1);
      if (b >= a) b++;
      anchors.push(list[a]!);
      partners.push(list[b]!);
    }
    if (family === 'retrieval') {
      const q = gather(split, dataset.dim, anchors);
      const d = gather(split, dataset.dim, partners);
      return { x: q.x, y: q.y, x2: d.x, y2: d.y, docRows: Int32Array.from(partners) };
    }
    return gather(split, dataset.dim, [...anchors, ...partners]);
  };
}
