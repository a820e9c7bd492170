// Scenarios: what is done to the training data so the differences between losses show — label noise
// (symmetric or pair-flip), a long-tailed class distribution, an open-set split for metric learning, a
// smaller training set (so memorisation shows within a short run), duplicate docs for retrieval, a
// multi-label task (binary labels derived from the class) and the distillation teacher's strength.
// The test split stays clean (and balanced), so the charts measure what each loss learned.
import type { Family } from './adapters.js';
import { byClass, type Dataset, multiLabelTask, type Split } from './datasets.js';
import { createRng, randomInt } from './rng.js';

export type NoiseKind = 'symmetric' | 'asymmetric';

export interface Scenario {
  /** Fraction of training labels replaced, 0–0.6. */
  readonly noise: number;
  /** `symmetric`: a uniformly drawn other class; `asymmetric`: the next class (c → c+1 mod C, pair flip). */
  readonly noiseKind: NoiseKind;
  /** Long-tail ratio ρ ≥ 1: class c keeps n·ρ^(−c/(C−1)) of its n rows (1 = balanced). */
  readonly imbalance: number;
  /** Training rows kept (0 = all); a small set makes memorising noisy labels visible in a short run. */
  readonly trainSize: number;
  /** Metric learning: train on the first half of the classes, evaluate on the unseen other half. */
  readonly openSet: boolean;
  /** Retrieval: fraction of batch pairs that repeat the previous pair's doc (in-batch false negatives). */
  readonly duplicates: number;
  /** Classification: predict several binary labels per image (see `multiLabelTask`) instead of the class. */
  readonly multiLabel: boolean;
  /** Distillation: the teacher stops training once its test accuracy reaches this (0–1; 0 = fully trained). */
  readonly teacherAccuracy: number;
  /** Distillation: the teacher's logits are divided by this before the losses see them (< 1 sharper). */
  readonly teacherTemperature: number;
}

export const CLEAN: Scenario = {
  noise: 0,
  noiseKind: 'symmetric',
  imbalance: 1,
  trainSize: 0,
  openSet: false,
  duplicates: 0,
  multiLabel: false,
  teacherAccuracy: 0,
  teacherTemperature: 1,
};

/** Scenario fields that make sense per family (the UI shows only these). */
export const SCENARIO_FIELDS: Record<Family, readonly (keyof Scenario)[]> = {
  classification: ['noise', 'noiseKind', 'imbalance', 'trainSize', 'multiLabel'],
  distillation: ['noise', 'noiseKind', 'imbalance', 'trainSize', 'teacherAccuracy', 'teacherTemperature'],
  metric: ['openSet', 'imbalance', 'trainSize'],
  retrieval: ['duplicates', 'trainSize'],
};

/** Clamps a scenario to its valid ranges (values come from the URL and from number inputs). */
export function normaliseScenario(s: Partial<Scenario>): Scenario {
  const num = (v: unknown, lo: number, hi: number, fallback: number) => {
    const n = Number(v);
    return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
  };
  return {
    noise: num(s.noise, 0, 0.6, 0),
    noiseKind: s.noiseKind === 'asymmetric' ? 'asymmetric' : 'symmetric',
    imbalance: num(s.imbalance, 1, 1000, 1),
    trainSize: Math.round(num(s.trainSize, 0, 1e7, 0)),
    openSet: Boolean(s.openSet),
    duplicates: num(s.duplicates, 0, 0.9, 0),
    multiLabel: Boolean(s.multiLabel),
    teacherAccuracy: num(s.teacherAccuracy, 0, 1, 0),
    teacherTemperature: num(s.teacherTemperature, 0.1, 10, 1),
  };
}

/** A one-line description, for the results table and chart titles. */
export function describeScenario(s: Scenario, family: Family): string {
  const parts: string[] = [];
  const fields = SCENARIO_FIELDS[family];
  if (fields.includes('noise') && s.noise > 0)
    parts.push(`${Math.round(s.noise * 100)} % ${s.noiseKind} label noise`);
  if (fields.includes('imbalance') && s.imbalance > 1) parts.push(`long tail ρ=${s.imbalance}`);
  if (fields.includes('openSet') && s.openSet) parts.push('open set (unseen test classes)');
  if (fields.includes('duplicates') && s.duplicates > 0)
    parts.push(`${Math.round(s.duplicates * 100)} % duplicate docs`);
  if (fields.includes('trainSize') && s.trainSize > 0) parts.push(`${s.trainSize} training rows`);
  if (fields.includes('multiLabel') && s.multiLabel)
    parts.push('multi-label (attributes + one label per class)');
  if (fields.includes('teacherAccuracy') && s.teacherAccuracy > 0)
    parts.push(`teacher stopped at ${Math.round(s.teacherAccuracy * 100)} % test accuracy`);
  if (fields.includes('teacherTemperature') && s.teacherTemperature !== 1)
    parts.push(`teacher logits ÷ ${s.teacherTemperature}`);
  return parts.length ? parts.join(', ') : 'clean';
}

function subset(split: Split, dim: number, rows: readonly number[], labels?: Int32Array): Split {
  const x = new Float32Array(rows.length * dim);
  const y = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    x.set(split.x.subarray(row * dim, (row + 1) * dim), i * dim);
    y[i] = (labels ?? split.y)[row]!;
  });
  return { x, y, count: rows.length };
}

/** Training rows after the size limit and the long tail (seeded, class order 0…C−1 from head to tail). */
function keptRows(dataset: Dataset, s: Scenario, rng: () => number, classes: readonly number[]): number[] {
  const lists = byClass(dataset.train, dataset.numClasses);
  const total = classes.reduce((sum, c) => sum + lists[c]!.length, 0);
  const limit = s.trainSize > 0 ? Math.min(1, s.trainSize / total) : 1;
  const rows: number[] = [];
  classes.forEach((c, k) => {
    const list = [...lists[c]!];
    for (let i = list.length - 1; i > 0; i--) {
      const j = randomInt(rng, i + 1);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    const tail = classes.length > 1 ? s.imbalance ** (-k / (classes.length - 1)) : 1;
    rows.push(...list.slice(0, Math.max(2, Math.round(list.length * limit * tail))));
  });
  return rows.sort((a, b) => a - b);
}

/** Noisy copy of `labels` (fraction `noise` of the rows changed, seeded). */
export function corruptLabels(
  labels: Int32Array,
  numClasses: number,
  noise: number,
  kind: NoiseKind,
  seed: number,
): Int32Array {
  const rng = createRng(seed);
  const out = Int32Array.from(labels);
  if (noise <= 0 || numClasses < 2) return out;
  // Exactly round(noise·n) rows, chosen by a seeded shuffle, so the rate shown is the rate applied.
  const order = Array.from(labels, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const flips = Math.round(noise * labels.length);
  for (let k = 0; k < flips; k++) {
    const i = order[k]!;
    const y = labels[i]!;
    out[i] =
      kind === 'asymmetric' ? (y + 1) % numClasses : (y + 1 + randomInt(rng, numClasses - 1)) % numClasses;
  }
  return out;
}

/**
 * The dataset a run trains and is evaluated on under scenario `s`: train rows subsampled (size, long tail),
 * train labels corrupted, classes split for open-set metric learning. Same `seed` ⇒ same data.
 */
export function applyScenario(dataset: Dataset, family: Family, s: Scenario, seed: number): Dataset {
  const fields = SCENARIO_FIELDS[family];
  const on = <K extends keyof Scenario>(key: K) => fields.includes(key);
  const rng = createRng(seed * 7919 + 13);
  const all = Array.from({ length: dataset.numClasses }, (_, c) => c);
  const openSet = on('openSet') && s.openSet && dataset.numClasses >= 4;
  const seen = openSet ? all.slice(0, Math.ceil(dataset.numClasses / 2)) : all;
  const imbalance = on('imbalance') ? s.imbalance : 1;
  const trainSize = on('trainSize') ? s.trainSize : 0;
  const multiLabel =
    on('multiLabel') && s.multiLabel ? { multiLabel: multiLabelTask(dataset.numClasses) } : {};
  if (!openSet && imbalance <= 1 && trainSize <= 0 && !(on('noise') && s.noise > 0))
    return 'multiLabel' in multiLabel ? { ...dataset, ...multiLabel } : dataset;
  const rows = keptRows(dataset, { ...s, imbalance, trainSize }, rng, seen);
  let train = subset(dataset.train, dataset.dim, rows);
  if (on('noise') && s.noise > 0) {
    train = { ...train, y: corruptLabels(train.y, dataset.numClasses, s.noise, s.noiseKind, seed + 101) };
  }
  let test = dataset.test;
  if (openSet) {
    const unseen = new Set(all.slice(seen.length));
    const testRows = Array.from({ length: test.count }, (_, i) => i).filter((i) => unseen.has(test.y[i]!));
    test = subset(test, dataset.dim, testRows);
  }
  return { ...dataset, train, test, ...multiLabel };
}
