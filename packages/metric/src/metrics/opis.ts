import { invalidOption, type OptionSchema, resolveOptions, XentError } from '@xent/core';
import { optionSpecs } from '../internal/option-specs.js';
import { distanceMatrix, type HostInput, labelsOf, metricDistanceSpec, rowsOf } from './neighbours.js';

/** Options of {@link opis} and {@link epsilonOpis}. */
export interface OpisOptions {
  /** Calibration range as global false-acceptance rates [low, high]. @defaultValue [0.01, 0.1] */
  readonly farRange?: readonly [number, number];
  /** Thresholds on the uniform grid over the calibration range (an integer in [2, 100000]). @defaultValue 101 */
  readonly thresholds?: number;
  /** Euclidean distance or cosine distance (1 − cos). @defaultValue 'euclidean' */
  readonly distance?: 'euclidean' | 'cosine';
}

/** Options of {@link epsilonOpis}. */
export interface EpsilonOpisOptions extends OpisOptions {
  /** Fraction of classes in the worst and best groups. @defaultValue 0.05 */
  readonly epsilon?: number;
}

const OPIS_OPTIONS: OptionSchema<OpisOptions> = {
  farRange: { type: 'other', description: 'calibration range [low, high] of false-acceptance rates' },
  thresholds: { type: 'number', min: 2, max: 100_000, integer: true, description: 'thresholds on the grid' },
  distance: metricDistanceSpec,
};
const EPSILON_OPIS_OPTIONS: OptionSchema<EpsilonOpisOptions> = /* @__PURE__ */ optionSpecs(OPIS_OPTIONS, {
  epsilon: { type: 'number', min: 0, exclusiveMin: true, max: 0.5, description: 'fraction of classes' },
});

/** Count of sorted values ≤ x. */
function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Harmonic mean of TAR and TNR = 1 − FAR (0 when both are 0). */
function utility(tar: number, far: number): number {
  const tnr = 1 - far;
  return tar + tnr === 0 ? 0 : (2 * tar * tnr) / (tar + tnr);
}

interface UtilityCurves {
  /** Per class, the utility at each threshold. */
  readonly perClass: number[][];
  /** The utility of all pairs pooled, at each threshold. */
  readonly overall: number[];
}

/**
 * Per-class and overall utility curves over the calibration range (thresholds from the global
 * negative-pair distance quantiles at the FAR range). Classes with fewer than 2 items are skipped.
 */
function utilityCurves(
  embeddings: HostInput,
  labels: HostInput,
  options: OpisOptions,
  name: string,
): UtilityCurves {
  const resolved = resolveOptions<OpisOptions, { thresholds: number; distance: 'euclidean' }>(
    name,
    name === 'opis' ? OPIS_OPTIONS : EPSILON_OPIS_OPTIONS,
    options,
    { thresholds: 101, distance: 'euclidean' },
  );
  const range = resolved.farRange ?? [0.01, 0.1];
  const valid =
    Array.isArray(range) &&
    range.length === 2 &&
    range.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    range[0]! >= 0 &&
    range[1]! <= 1 &&
    range[0]! < range[1]!;
  if (!valid) invalidOption(name, 'farRange', '[low, high] with 0 ≤ low < high ≤ 1', range);
  const [farLow, farHigh] = range;
  const { thresholds: steps, distance: kind } = resolved;
  const rows = rowsOf(name, 'embeddings', embeddings);
  const y = labelsOf(name, 'labels', labels, rows.length);
  const matrix = distanceMatrix(rows, kind).map((row) => (kind === 'euclidean' ? row.map(Math.sqrt) : row));
  const classes = [...new Set(y)].filter((c) => y.filter((v) => v === c).length >= 2);
  const pos = new Map<number, number[]>(classes.map((c) => [c, []]));
  const neg = new Map<number, number[]>(classes.map((c) => [c, []]));
  const allPos: number[] = [];
  const allNeg: number[] = [];
  for (let i = 0; i < rows.length; i++)
    for (let j = i + 1; j < rows.length; j++) {
      const d = matrix[i]![j]!;
      if (y[i] === y[j]) {
        allPos.push(d);
        pos.get(y[i]!)?.push(d);
      } else {
        allNeg.push(d);
        neg.get(y[i]!)?.push(d);
        neg.get(y[j]!)?.push(d);
      }
    }
  if (classes.length === 0 || allNeg.length === 0)
    throw new XentError('EMPTY_BATCH', {
      fn: name,
      argument: 'labels',
      expected: 'a class with at least two examples and a second class (positive and negative pairs)',
      received: classes.length === 0 ? 'only singleton classes' : 'a single class',
    });
  const sorted = (values: number[]) => Float64Array.from(values).sort();
  const negatives = sorted(allNeg);
  const quantile = (q: number) =>
    negatives[Math.min(negatives.length - 1, Math.max(0, Math.ceil(q * negatives.length) - 1))]!;
  const [dMin, dMax] = [quantile(farLow), quantile(farHigh)];
  const grid = Array.from({ length: steps }, (_, t) => dMin + ((dMax - dMin) * t) / (steps - 1));
  const curve = (p: Float64Array, n: Float64Array) =>
    grid.map((d) => utility(countAtMost(p, d) / p.length, countAtMost(n, d) / n.length));
  return {
    perClass: classes.map((c) => curve(sorted(pos.get(c)!), sorted(neg.get(c)!))),
    overall: curve(sorted(allPos), negatives),
  };
}

/**
 * Operating-Point-Inconsistency Score (Zhang et al., ICLR 2024): how much the per-class utility
 * U_c(d) = harmonic mean of TAR_c(d) and 1 − FAR_c(d) departs from the overall utility Ū(d) across a
 * calibration range of thresholds (from the global negative-pair FAR range):
 *
 *   OPIS = (1/T) Σ_c mean_d (U_c(d) − Ū(d))²
 *
 * Lower means one threshold serves all classes more alike. Pairs are unordered; Euclidean distance.
 *
 * @see https://arxiv.org/abs/2307.04047
 * @example opis(testEmbeddings, testLabels, { farRange: [0.01, 0.1] })
 */
export function opis(embeddings: HostInput, labels: HostInput, options: OpisOptions = {}): number {
  const { perClass, overall } = utilityCurves(embeddings, labels, options, 'opis');
  const perClassGap = perClass.map(
    (curve) => curve.reduce((s, u, t) => s + (u - overall[t]!) ** 2, 0) / curve.length,
  );
  return perClassGap.reduce((s, v) => s + v, 0) / perClassGap.length;
}

/**
 * ε-OPIS: the squared gap between the mean utility of the worst ε fraction of classes and that of the
 * best ε fraction (at least one class each), averaged over the calibration range.
 *
 * @see https://arxiv.org/abs/2307.04047
 * @example epsilonOpis(testEmbeddings, testLabels, { epsilon: 0.05 })
 */
export function epsilonOpis(
  embeddings: HostInput,
  labels: HostInput,
  options: EpsilonOpisOptions = {},
): number {
  const epsilon = options?.epsilon ?? 0.05;
  const { perClass } = utilityCurves(embeddings, labels, options, 'epsilonOpis');
  const group = Math.max(1, Math.round(epsilon * perClass.length));
  const steps = perClass[0]!.length;
  let total = 0;
  for (let t = 0; t < steps; t++) {
    const values = perClass.map((curve) => curve[t]!).sort((a, b) => a - b);
    const worst = values.slice(0, group).reduce((s, v) => s + v, 0) / group;
    const best = values.slice(-group).reduce((s, v) => s + v, 0) / group;
    total += (best - worst) ** 2;
  }
  return total / steps;
}
