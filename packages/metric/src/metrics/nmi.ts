import { type OptionSchema, resolveOptions, seededRandom } from '@xent/core';
import { distanceMatrix, type HostInput, labelsOf, rowsOf } from './neighbours.js';

/** Options of {@link nmi}. */
export interface NmiOptions {
  /** Seed of k-means++ initialisation. @defaultValue 0 */
  readonly seed?: number;
  /** Lloyd iterations at most (an integer in [1, 10000]). @defaultValue 100 */
  readonly iterations?: number;
}

const NMI_OPTIONS: OptionSchema<NmiOptions> = {
  seed: { type: 'number', integer: true, description: 'k-means++ seed (0 is a seed)' },
  iterations: { type: 'number', min: 1, max: 10_000, integer: true, description: 'Lloyd iterations at most' },
};

function squared(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
  return s;
}

/** k-means (k-means++ seeding, Lloyd iterations); returns the cluster of each row. */
export function kMeans(
  rows: readonly Float64Array[],
  k: number,
  seed: number,
  iterations: number,
): Int32Array {
  const uniform = seededRandom(seed);
  const centres: Float64Array[] = [Float64Array.from(rows[Math.floor(uniform() * rows.length)]!)];
  while (centres.length < k) {
    const weights = rows.map((r) => Math.min(...centres.map((c) => squared(r, c))));
    const total = weights.reduce((s, w) => s + w, 0);
    let pick = uniform() * total;
    let index = 0;
    while (index < rows.length - 1 && pick >= weights[index]!) pick -= weights[index++]!;
    centres.push(Float64Array.from(rows[total > 0 ? index : centres.length % rows.length]!));
  }
  const assignment = new Int32Array(rows.length).fill(-1);
  for (let step = 0; step < iterations; step++) {
    let changed = false;
    distanceMatrix(rows, 'euclidean', centres).forEach((row, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (row[c]! < row[best]!) best = c;
      if (assignment[i] !== best) [assignment[i], changed] = [best, true];
    });
    if (!changed) break;
    centres.forEach((centre, c) => {
      const members = rows.filter((_, i) => assignment[i] === c);
      if (members.length === 0) return;
      centre.fill(0);
      for (const m of members) {
        for (let d = 0; d < m.length; d++) centre[d]! += m[d]! / members.length;
      }
    });
  }
  return assignment;
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/**
 * Normalised mutual information between the labels and a k-means clustering of the embeddings
 * (k = number of distinct labels): NMI = I(Y; C) / ((H(Y) + H(C)) / 2), scikit-learn's default
 * (arithmetic) normalisation. 1 when both partitions are trivial.
 *
 * @example nmi(testEmbeddings, testLabels, { seed: 0 })
 */
export function nmi(embeddings: HostInput, labels: HostInput, options: NmiOptions = {}): number {
  const { seed, iterations } = resolveOptions('nmi', NMI_OPTIONS, options, { seed: 0, iterations: 100 });
  const rows = rowsOf('nmi', 'embeddings', embeddings);
  const y = labelsOf('nmi', 'labels', labels, rows.length);
  const classes = [...new Set(y)];
  const clusters = kMeans(rows, classes.length, seed, iterations);
  return normalizedMutualInformation(y, clusters);
}

/** NMI of two labelings with arithmetic-mean normalisation. */
export function normalizedMutualInformation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const joint = new Map<string, number>();
  const ca = new Map<number, number>();
  const cb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    joint.set(`${a[i]},${b[i]}`, (joint.get(`${a[i]},${b[i]}`) ?? 0) + 1);
    ca.set(a[i]!, (ca.get(a[i]!) ?? 0) + 1);
    cb.set(b[i]!, (cb.get(b[i]!) ?? 0) + 1);
  }
  let mutual = 0;
  for (const [key, count] of joint) {
    const [x, z] = key.split(',').map(Number) as [number, number];
    mutual += (count / n) * Math.log((count * n) / (ca.get(x)! * cb.get(z)!));
  }
  const ha = entropy(ca.values(), n);
  const hb = entropy(cb.values(), n);
  if (ha === 0 && hb === 0) return 1;
  return mutual / ((ha + hb) / 2);
}
